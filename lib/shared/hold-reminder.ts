// What a held party hears between the music: "Thanks for holding. You have been holding for about
// 3 minutes." (docs/hold-experience.md). Pure: the words, and when each reminder falls, from the seconds held.
//
// TwiML cannot cut a <Play> short, so the interval is counted in whole plays of the music: with
// HOLD_REMINDER_SECONDS = R and music of L seconds, a reminder follows every k = max(1, round(R / L))
// plays. One document, fetched at the hold, holds every reminder up to REMINDERS_PER_DOCUMENT and
// ends in music that never stops: a held party never asks our functions again, so no outage of
// ours can silence it (docs/reliability.md, the rule; docs/hold-experience.md, what it gives up).

export const MINUTES_PLACEHOLDER = '{minutes}';
export const DEFAULT_REMINDER_TEXT = `Thanks for holding. You have been holding for ${MINUTES_PLACEHOLDER}.`;
/** The bundled assets/hold-music.mp3 lasts 30.1 s (tests/assets/mp3.test.ts measures it). */
export const BUNDLED_MUSIC_SECONDS = 30;
/**
 * The reminders one document holds; after the last, the music plays on without reminders. 150
 * reminders (about 26 KB of TwiML) cover 86 minutes at the shortest interval (15 s with 30 s music),
 * 2 h 41 min at 60 s.
 */
export const REMINDERS_PER_DOCUMENT = 150;

export interface HoldReminderSettings {
  /** HOLD_REMINDER_SECONDS: the wished interval (at least 15). */
  everySeconds: number;
  /** HOLD_REMINDER_TEXT, with MINUTES_PLACEHOLDER where the time held goes. */
  text: string;
  /** HOLD_VOICE, Twilio's <Say voice>; undefined = Twilio's default. */
  voice?: string;
  /** How long one play of the hold music lasts (HOLD_MUSIC_SECONDS, or the bundled file's 30 s). */
  musicSeconds: number;
}

/**
 * The time held, in words that never overstate it by more than half a minute:
 * under a minute: "less than a minute"; then to the nearest minute, "about 1 minute",
 * "about n minutes"; about an hour (59.5-60.5 min): "about an hour"; beyond: "more than an hour",
 * "more than 2 hours", ...
 */
export function heldForWords(seconds: number): string {
  const held = Math.max(0, Math.floor(seconds));
  if (held < 60) return 'less than a minute';
  const minutes = Math.round(held / 60);
  if (minutes === 1) return 'about 1 minute';
  if (minutes < 60) return `about ${minutes} minutes`;
  if (held <= 3630) return 'about an hour';
  const hours = Math.floor(held / 3600);
  return hours < 2 ? 'more than an hour' : `more than ${hours} hours`;
}

/** The reminder's words for a party held `seconds`: every placeholder is replaced. */
export function reminderWords(text: string, seconds: number): string {
  return text.split(MINUTES_PLACEHOLDER).join(heldForWords(seconds));
}

/** Plays of the music between two reminders: the interval rounded to whole plays, at least one. */
export function playsPerReminder(settings: Pick<HoldReminderSettings, 'everySeconds' | 'musicSeconds'>): number {
  return Math.max(1, Math.round(settings.everySeconds / settings.musicSeconds));
}

/**
 * How long a reminder takes to say, for planning the next one: 150 words a minute, at least 1 s
 * (the pace the emulator uses too; on Twilio it depends on the voice, so a later reminder's words
 * may be early or late by the difference, growing with each reminder of a document).
 */
export function speechSeconds(words: string): number {
  const count = words.trim().split(/\s+/).filter(Boolean).length;
  return Math.max(1000, Math.round((count / 150) * 60_000)) / 1000;
}

export interface ReminderPlan {
  /** Plays of the music before each reminder. */
  plays: number;
  /** The reminders in order, each with the seconds held when it starts. */
  reminders: { heldSeconds: number; words: string }[];
  /** Seconds held when the last reminder ends (the music alone plays on from there). */
  endsAtSeconds: number;
}

/**
 * The reminders of one document, for a party held `heldSeconds` when it is requested: each comes
 * after k plays of the music, with the time held when it is spoken.
 */
export function reminderPlan(settings: HoldReminderSettings, heldSeconds: number, count = REMINDERS_PER_DOCUMENT): ReminderPlan {
  const plays = playsPerReminder(settings);
  const cycle = plays * settings.musicSeconds;
  const reminders: ReminderPlan['reminders'] = [];
  // Whole milliseconds, so that the plan's end is exact however many reminders it adds up.
  let atMs = Math.max(0, Math.round(heldSeconds * 1000));
  for (let i = 0; i < count; i += 1) {
    atMs += Math.round(cycle * 1000);
    const words = reminderWords(settings.text, atMs / 1000);
    reminders.push({ heldSeconds: atMs / 1000, words });
    atMs += Math.round(speechSeconds(words) * 1000);
  }
  return { plays, reminders, endsAtSeconds: atMs / 1000 };
}

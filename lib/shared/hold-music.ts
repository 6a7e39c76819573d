import { optionalHttpUrl } from '../platform/config';
import { reminderConfig } from './settings';
import { logFailure } from '../platform/failure';
import { functionUrl } from '../platform/function-url';
import { play, say, twiml, type Attributes, type Twiml, type TwimlElement } from '../platform/twiml';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { heldForSeconds, wholeNumber } from '../platform/webhook-params';
import { BUNDLED_MUSIC_SECONDS, DEFAULT_REMINDER_TEXT, reminderPlan, type HoldReminderSettings } from './hold-reminder';

export const HOLD_MUSIC_ASSET_PATH = '/hold-music.mp3';
export const HOLD_MUSIC_FUNCTION_PATH = '/hold-music';

/** The audio the held party hears: HOLD_MUSIC_URL when it is a valid http(s) URL, else our MP3. */
export function holdMusicAudioUrl(context: HoldContext): string {
  try {
    const configured = optionalHttpUrl(context, 'HOLD_MUSIC_URL');
    if (configured) return configured;
  } catch (error) {
    // A caller on hold must hear music, not an error: fall back to the bundled MP3 and log why.
    logFailure(error, { instead: 'playing the bundled hold music instead' });
  }
  return functionUrl(context, HOLD_MUSIC_ASSET_PATH);
}

/**
 * TwiML for holdUrl (conference) and waitUrl (dial mode's hold queue). <Play loop="0"> repeats
 * forever: a holdUrl that runs out of TwiML leaves the held party in silence, while an audio
 * holdUrl is played only once (docs/twilio-voice-semantics.md, "Conference participants").
 */
export function holdMusicTwiml(context: HoldContext): Twiml {
  return twiml(play(holdMusicAudioUrl(context), { loop: 0 }));
}

/** The reminder settings, with the defaults filled in; undefined = no reminders. Throws if misconfigured. */
export function holdReminderSettings(context: HoldContext): HoldReminderSettings | undefined {
  const config = reminderConfig(context);
  if (!config) return undefined;
  return {
    everySeconds: config.everySeconds,
    text: config.text ?? DEFAULT_REMINDER_TEXT,
    voice: config.voice,
    musicSeconds: config.musicSeconds ?? BUNDLED_MUSIC_SECONDS,
  };
}

/** Where the held party's time comes from: our holdUrl's HeldFor (conference), Twilio's QueueTime (dial). */
type HeldTime = { source: 'hold-url' | 'queue'; seconds: number };

function heldTime(event: FunctionEvent): HeldTime | undefined {
  const heldFor = heldForSeconds(event.HeldFor);
  if (heldFor !== undefined) return { source: 'hold-url', seconds: heldFor };
  // Twilio sends QueueTime, "the time the call has spent in the queue", on every waitUrl request
  // (https://www.twilio.com/docs/voice/twiml/enqueue#attributes-wait-url).
  const queueTime = wholeNumber(event.QueueTime);
  if (queueTime !== undefined) return { source: 'queue', seconds: queueTime };
  return undefined;
}

/**
 * The hold TwiML with reminders: [k plays of the music, the reminder] up to REMINDERS_PER_DOCUMENT
 * reminders, from the time held when Twilio asks, then the music with loop="0", which "will cause
 * the <Play> verb to loop until either the call is hung up or 1000 iterations are performed"
 * (https://www.twilio.com/docs/voice/twiml/play). The document never runs out and never asks our
 * functions again: a holdUrl <Redirect> or a re-requested waitUrl that fails has no documented
 * continuation (docs/reliability.md), so none is ever needed once the held party hears this.
 */
export function holdMusicWithReminders(context: HoldContext, settings: HoldReminderSettings, held: HeldTime): Twiml {
  const audio = holdMusicAudioUrl(context);
  const plan = reminderPlan(settings, held.seconds);
  const verbs: TwimlElement[] = plan.reminders.flatMap((reminder) => [
    play(audio, { loop: plan.plays }),
    say(reminder.words, reminderSayAttributes(settings)),
  ]);
  verbs.push(play(audio, { loop: 0 }));
  return twiml(...verbs);
}

/** What /hold-music answers: the plain loop, or, for a held party with reminders on, the batch. */
export function holdTwiml(context: HoldContext, event: FunctionEvent): Twiml {
  const held = heldTime(event);
  if (!held) return holdMusicTwiml(context);
  let settings: HoldReminderSettings | undefined;
  try {
    settings = holdReminderSettings(context);
  } catch (error) {
    // A caller on hold must hear music, not an error: the /hold API reports the misconfiguration.
    logFailure(error, { instead: 'playing the hold music without reminders' });
  }
  return settings ? holdMusicWithReminders(context, settings, held) : holdMusicTwiml(context);
}

/** The holdUrl a conference hold hands Twilio: with HeldFor=0 when reminders are on (it is requested afresh at each hold). */
export function conferenceHoldUrl(context: HoldContext): string {
  const reminders = holdReminderSettings(context);
  return functionUrl(context, HOLD_MUSIC_FUNCTION_PATH, reminders ? { HeldFor: '0' } : undefined);
}

/** HOLD_VOICE as <Say voice> (config.ts checks the shape of the name; Twilio decides whether it exists). */
export function reminderSayAttributes(settings: Pick<HoldReminderSettings, 'voice'>): Attributes {
  return settings.voice ? { voice: settings.voice } : {};
}

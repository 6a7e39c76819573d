// "Who hears what": the emulator's core observation (docs/emulator-api.md, Hearing).

export type Hearing =
  /** Bridged, or in a started conference with these parties (not held, not muted), by call SID. */
  | { kind: 'party'; callSids: string[] }
  /** Play of an audio URL (hold music, wait music). */
  | { kind: 'music'; url: string }
  /** Say. */
  | { kind: 'speech'; text: string }
  /** Pause, an empty started conference, a run-out holdUrl, a webhook being fetched, ... */
  | { kind: 'silence' }
  /** Dialling, or an outbound leg that has not answered. */
  | { kind: 'ringing' };

export const SILENCE: Hearing = { kind: 'silence' };
export const RINGING: Hearing = { kind: 'ringing' };

/**
 * What Twilio plays when no waitUrl / holdUrl is given: its classical hold-music twimlet
 * ("Twilio's classical playlist", TwiML <Conference> waitUrl docs). Never fetched by the emulator.
 */
export const DEFAULT_MUSIC_URL = 'https://twimlets.com/holdmusic?Bucket=com.twilio.music.classical';

/** What a caller hears when Twilio cannot get usable TwiML (Twilio's application-error prompt). */
export const APPLICATION_ERROR_TEXT = 'We are sorry, an application error has occurred. Goodbye.';

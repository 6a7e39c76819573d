// The typed TwiML tree the engine runs. Only what the emulator implements is here; the parser
// rejects everything else, the way Twilio rejects what it does not know.

export type HttpMethod = 'GET' | 'POST';

export interface Say {
  verb: 'Say';
  text: string;
  loop: number;
  voice?: string;
  language?: string;
}
/** loop=0 means "forever" (TwiML <Play> docs). */
export interface Play {
  verb: 'Play';
  url: string;
  loop: number;
}
export interface Pause {
  verb: 'Pause';
  lengthSec: number;
}
export interface Redirect {
  verb: 'Redirect';
  url: string;
  method: HttpMethod;
}
export interface Hangup {
  verb: 'Hangup';
}
export interface Reject {
  verb: 'Reject';
  reason: 'rejected' | 'busy';
}
export interface Leave {
  verb: 'Leave';
}
/**
 * Gather: its prompts play, then it waits timeoutSec for a key. Only an outbound leg whose party is
 * configured to press keys (engine/parties.ts) presses any; otherwise it times out with no input.
 */
export interface Gather {
  verb: 'Gather';
  timeoutSec: number;
  /** Input ends after this many digits; undefined = until finishOnKey or the timeout. */
  numDigits?: number;
  /** '' = none. */
  finishOnKey: string;
  action?: string;
  method: HttpMethod;
  actionOnEmptyResult: boolean;
  prompts: Array<Say | Play | Pause>;
}
export interface Enqueue {
  verb: 'Enqueue';
  name: string;
  action?: string;
  method: HttpMethod;
  waitUrl?: string;
  waitUrlMethod: HttpMethod;
}

export type EndpointKind = 'number' | 'client' | 'sip';
export interface Endpoint {
  kind: EndpointKind;
  /** E.164 number, `client:identity` or `sip:uri`: the form parties are configured by. */
  address: string;
  statusCallback?: string;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvents: CallEvent[];
  /** <Number url> / <Sip url> / <Client url>: TwiML run on the answered leg before the bridge (screening). */
  url?: string;
  method: HttpMethod;
  /** <Client><Parameter name value>: handed to the callee's Voice SDK as custom parameters. */
  customParameters?: Record<string, string>;
}
export type CallEvent = 'initiated' | 'ringing' | 'answered' | 'completed';

export interface ConferenceNoun {
  kind: 'conference';
  name: string;
  muted: boolean;
  beep: string;
  startConferenceOnEnter: boolean;
  endConferenceOnExit: boolean;
  /** undefined = Twilio's default wait music; '' = silence (TwiML <Conference> docs). */
  waitUrl?: string;
  waitMethod: HttpMethod;
  maxParticipants: number;
  participantLabel?: string;
  statusCallback?: string;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvents: string[];
}
export interface QueueNoun {
  kind: 'queue';
  name: string;
  url?: string;
  method: HttpMethod;
}
export interface PartiesTarget {
  kind: 'parties';
  endpoints: Endpoint[];
}
export type DialTarget = PartiesTarget | ConferenceNoun | QueueNoun;

export interface Dial {
  verb: 'Dial';
  action?: string;
  method: HttpMethod;
  timeoutSec: number;
  callerId?: string;
  timeLimitSec: number;
  target: DialTarget;
}

export type AudioVerb = Say | Play | Pause;
export type Verb = Say | Play | Pause | Redirect | Hangup | Reject | Leave | Gather | Enqueue | Dial;

/**
 * Where a document is run decides which verbs it may use:
 * - voice: a call's own TwiML;
 * - hold: a conference participant's holdUrl (Play, Say, Pause, Redirect; else 13238);
 * - conference-wait: a conference waitUrl (Play, Say, Pause, Redirect);
 * - queue-wait: an <Enqueue> waitUrl (Play, Say, Pause, Hangup, Redirect, Leave, Gather);
 * - queue-url: a <Queue url> played to the dequeued caller (Play, Say, Pause, Redirect);
 * - whisper: a <Number url>/<Sip url>/<Client url> run on the answered leg before the bridge
 *   (no <Dial>: error 13201, https://www.twilio.com/docs/errors/13201).
 */
export type TwimlContext = 'voice' | 'hold' | 'conference-wait' | 'queue-wait' | 'queue-url' | 'whisper' | 'announcement';

export interface TwimlError {
  code: number;
  message: string;
}
export type ParseResult = { ok: true; verbs: Verb[] } | { ok: false; error: TwimlError };

// Every failure the functions report is a Failure with a kind. Exactly one place
// (responses.ts) turns a kind into an HTTP status code and a JSON body.

export type FailureKind =
  'bad-input' | 'unauthorized' | 'forbidden' | 'not-found' | 'conflict' | 'upstream' | 'outcome-unknown' | 'misconfigured' | 'internal';

/** What Twilio said when a REST request failed, kept so the API user sees Twilio's own words. */
export interface TwilioErrorDetail {
  status?: number;
  code?: number;
  message: string;
  moreInfo?: string;
}

/** Facts about the call that the answer carries beside the message (callSid, held read back, ...). */
export type FailureDetails = Record<string, string | boolean | number>;

export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly twilio?: TwilioErrorDetail,
    readonly details?: FailureDetails,
  ) {
    super(message);
    this.name = 'Failure';
  }

  /** The same failure with more facts about the call (e.g. the state read back after a timeout). */
  withDetails(details: FailureDetails): Failure {
    return new Failure(this.kind, this.message, this.twilio, { ...this.details, ...details });
  }
}

export const badInput = (message: string): Failure => new Failure('bad-input', message);
export const unauthorized = (message: string): Failure => new Failure('unauthorized', message);
/** The request is not from who it claims to be (a webhook without a valid X-Twilio-Signature). */
export const forbidden = (message: string): Failure => new Failure('forbidden', message);
export const notFound = (message: string, twilio?: TwilioErrorDetail): Failure => new Failure('not-found', message, twilio);
export const conflict = (message: string, twilio?: TwilioErrorDetail, details?: FailureDetails): Failure =>
  new Failure('conflict', message, twilio, details);
export const upstream = (message: string, twilio?: TwilioErrorDetail): Failure => new Failure('upstream', message, twilio);
/**
 * A request reached Twilio (or may have) but no answer came back in time, or Twilio answered a
 * 5xx that does not say whether it acted: the change may or may not have happened.
 */
export const outcomeUnknown = (message: string, twilio?: TwilioErrorDetail): Failure => new Failure('outcome-unknown', message, twilio);
export const misconfigured = (message: string): Failure => new Failure('misconfigured', message);
/** A fault in our own code (a bug), not in the environment: the operator looks in the logs, not in .env. */
export const internal = (message: string): Failure => new Failure('internal', message);

export function isFailure(error: unknown): error is Failure {
  return error instanceof Failure;
}

/**
 * The one log line of a failure handled where it happened (the request goes on without what
 * failed): the failure's message, or anything else thrown as it is (a bug keeps its stack), after
 * what `failed` ("could not warn the agent of CA…: <message>") or before what happens `instead`
 * ("<message> - playing the bundled hold music instead").
 */
export function logFailure(error: unknown, about: { failed: string } | { instead: string }): void {
  const reason = isFailure(error) ? error.message : error;
  if ('failed' in about) console.error(`${about.failed}:`, reason);
  else console.error(reason, `- ${about.instead}`);
}

// Messages may quote what a client sent; they quote at most this much of it, so an answer stays
// small and does not mirror a large or hostile input back.
const EXCERPT_CHARS = 40;

/** A short, quoted prefix of a value from outside, for error messages. */
export function excerpt(value: unknown): string {
  const text = typeof value === 'string' ? value : typeof value;
  const clipped = text.length > EXCERPT_CHARS ? `${text.slice(0, EXCERPT_CHARS)}…` : text;
  return JSON.stringify(clipped);
}

// Every failure the functions report is a Failure with a kind. Exactly one place
// (responses.ts) turns a kind into an HTTP status code and a JSON body.

export type FailureKind =
  | 'bad-input'
  | 'unauthorized'
  | 'not-found'
  | 'conflict'
  | 'upstream'
  | 'misconfigured';

/** What Twilio said when a REST request failed, kept so the API user sees Twilio's own words. */
export interface TwilioErrorDetail {
  status?: number;
  code?: number;
  message: string;
  moreInfo?: string;
}

export class Failure extends Error {
  constructor(
    readonly kind: FailureKind,
    message: string,
    readonly twilio?: TwilioErrorDetail,
  ) {
    super(message);
    this.name = 'Failure';
  }
}

export const badInput = (message: string): Failure => new Failure('bad-input', message);
export const unauthorized = (message: string): Failure => new Failure('unauthorized', message);
export const notFound = (message: string, twilio?: TwilioErrorDetail): Failure =>
  new Failure('not-found', message, twilio);
export const conflict = (message: string, twilio?: TwilioErrorDetail): Failure =>
  new Failure('conflict', message, twilio);
export const upstream = (message: string, twilio?: TwilioErrorDetail): Failure =>
  new Failure('upstream', message, twilio);
export const misconfigured = (message: string): Failure => new Failure('misconfigured', message);

export function isFailure(error: unknown): error is Failure {
  return error instanceof Failure;
}

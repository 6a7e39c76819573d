// A request the engine refuses, carrying Twilio's error code and HTTP status. The REST layer turns
// it into Twilio's error body in one place (rest/error-body.ts).

export class TwilioApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: number,
    message: string,
  ) {
    super(message);
  }
}

export const notFound = (what: string): TwilioApiError => new TwilioApiError(404, 20404, `The requested resource ${what} was not found`);

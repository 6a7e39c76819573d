/// <reference types="@twilio-labs/serverless-runtime-types" />
// The one place where outcomes become HTTP responses: failure kinds map to status codes here
// and nowhere else, and no response ever carries a stack trace.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { internal, isFailure, type Failure, type FailureKind } from './failure';
import type { Twiml } from './twiml';

const STATUS_OF: Record<FailureKind, number> = {
  'bad-input': 400,
  unauthorized: 401,
  forbidden: 403,
  'not-found': 404,
  conflict: 409,
  misconfigured: 500,
  internal: 500,
  upstream: 502,
  // The request may have acted: the client must not assume either outcome (see docs/security.md).
  'outcome-unknown': 504,
};

const LOGGED = new Set<FailureKind>(['misconfigured', 'internal', 'upstream', 'outcome-unknown', 'forbidden']);

export function jsonResponse(status: number, body: object): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(status);
  response.appendHeader('Content-Type', 'application/json');
  response.appendHeader('Cache-Control', 'no-store');
  response.setBody(body);
  return response;
}

export function twimlResponse(twiml: Twiml): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(200);
  response.appendHeader('Content-Type', 'text/xml');
  response.setBody(twiml.toString());
  return response;
}

/** Maps any error to a JSON response; unexpected errors are logged and reported without detail. */
export function failureResponse(error: unknown): TwilioResponse {
  const failure = isFailure(error) ? error : unexpected(error);
  // What an operator must see in the function logs: our own faults, Twilio's, and refused webhooks
  // (a deployment whose signature check refused Twilio itself would show here).
  if (LOGGED.has(failure.kind)) console.error(failure.message);
  const response = jsonResponse(STATUS_OF[failure.kind], {
    error: failure.kind,
    message: failure.message,
    ...(failure.kind === 'outcome-unknown' ? { outcome: 'unknown' } : {}),
    ...failure.details,
    ...(failure.twilio ? { twilio: failure.twilio } : {}),
  });
  if (failure.kind === 'unauthorized') {
    response.appendHeader('WWW-Authenticate', 'Bearer realm="call-hold"');
  }
  return response;
}

/** An error that is not a Failure is a bug of ours: logged with its cause, answered without it. */
function unexpected(error: unknown): Failure {
  console.error('internal error:', error);
  return internal('internal error; see the function logs');
}

/** 304: the client's copy (If-None-Match) is still current; no body (RFC 9110, 15.4.5). */
export function notModified(etag: string): TwilioResponse {
  const response = new Twilio.Response();
  response.setStatusCode(304);
  response.appendHeader('ETag', etag);
  response.appendHeader('Cache-Control', 'no-store');
  return response;
}

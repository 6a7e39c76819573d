// The parameters of Twilio's webhooks, parsed once into typed values. Twilio sends the call's
// own CallSid and CallStatus with every request; the SIDs it does not send travel in our URL query
// (function-url.ts, lib/dial/urls.ts), which Twilio includes in the request signature.
import { isSid } from './sids';
import { badInput } from './failure';
import type { FunctionEvent } from './env';

export function requiredText(event: FunctionEvent, name: string): string {
  const value = event[name];
  if (typeof value !== 'string' || value === '') throw badInput(`${name} is missing`);
  return value;
}

export function requiredCallSid(event: FunctionEvent, name: string): string {
  const value = event[name];
  if (!isSid('call', value)) throw badInput(`${name} is missing or malformed`);
  return value;
}

export function optionalCallSid(event: FunctionEvent, name: string): string | undefined {
  const value = event[name];
  if (value === undefined || value === '') return undefined;
  return requiredCallSid(event, name);
}

/**
 * A whole number of Twilio's (QueueTime, QueuePosition: whole seconds or a place), as it arrives:
 * digits only, at most 8; undefined otherwise.
 */
export function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,8}$/.test(value) ? Number(value) : undefined;
}

/**
 * HeldFor, the seconds held that our own URLs carry (the holdUrl, its <Redirect>s, the warning's
 * announceUrl): whole ("0", "540") or with up to 3 decimals where a document ends after a reminder
 * spoken for a fraction of a second ("62.4"); undefined otherwise.
 */
export function heldForSeconds(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,8}(\.\d{1,3})?$/.test(value) ? Number(value) : undefined;
}

/** Seconds held as HeldFor writes them, to the millisecond, so that heldForSeconds reads them back (62.4 + 30 is 92.4, not 92.40000000000001). */
export function heldForParam(seconds: number): string {
  return String(Math.round(seconds * 1000) / 1000);
}

export function optionalQueueSid(event: FunctionEvent): string | undefined {
  const value = event.QueueSid;
  if (value === undefined || value === '') return undefined;
  if (!isSid('queue', value)) throw badInput('QueueSid is malformed');
  return value;
}

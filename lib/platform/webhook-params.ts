// The parameters of Twilio's webhooks, parsed once into typed values. Twilio sends the call's
// own CallSid and CallStatus with every request; the SIDs it does not send travel in our URL query
// (function-url.ts, lib/dial/urls.ts), which Twilio includes in the request signature.
import { CALL_SID, QUEUE_SID } from './sids';
import { badInput } from './failure';
import type { FunctionEvent } from './env';

export function requiredText(event: FunctionEvent, name: string): string {
  const value = event[name];
  if (typeof value !== 'string' || value === '') throw badInput(`${name} is missing`);
  return value;
}

export function requiredCallSid(event: FunctionEvent, name: string): string {
  const value = event[name];
  if (typeof value !== 'string' || !CALL_SID.test(value)) throw badInput(`${name} is missing or malformed`);
  return value;
}

export function optionalCallSid(event: FunctionEvent, name: string): string | undefined {
  const value = event[name];
  if (value === undefined || value === '') return undefined;
  return requiredCallSid(event, name);
}

/**
 * A whole number of Twilio's (QueueTime, QueuePosition: whole seconds or a place) or of our own
 * query (HeldFor at the warning), as it arrives: digits only, at most 8; undefined otherwise.
 */
export function wholeNumber(value: unknown): number | undefined {
  return typeof value === 'string' && /^\d{1,8}$/.test(value) ? Number(value) : undefined;
}

export function optionalQueueSid(event: FunctionEvent): string | undefined {
  const value = event.QueueSid;
  if (value === undefined || value === '') return undefined;
  if (typeof value !== 'string' || !QUEUE_SID.test(value)) throw badInput('QueueSid is malformed');
  return value;
}

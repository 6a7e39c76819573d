// A call leg as Twilio's Call resource sees it. Plain data: the engine changes it, the REST
// formatter reads it.
import type { CallEvent, HttpMethod } from '../twiml/types';

/** Call status values (Call resource docs). */
export type CallStatus = 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
export type CallDirection = 'inbound' | 'outbound-api' | 'outbound-dial';

export const TERMINAL_STATUSES: ReadonlySet<CallStatus> = new Set(['completed', 'busy', 'failed', 'no-answer', 'canceled']);

export interface Call {
  sid: string;
  accountSid: string;
  parentCallSid?: string;
  from: string;
  to: string;
  direction: CallDirection;
  status: CallStatus;
  /** Engine clock times in ms; the formatter turns them into dates. */
  createdAt: number;
  updatedAt: number;
  startedAt?: number;
  answeredAt?: number;
  endedAt?: number;
  statusCallback?: string;
  statusCallbackMethod: HttpMethod;
  statusCallbackEvents: CallEvent[];
  /** How many status callbacks this call has sent (their SequenceNumber). */
  callbackSequence: number;
  /** API-created legs: how long it waited for its CPS slot (ms), the REST `queue_time`. */
  queueTimeMs?: number;
  timeoutSec: number;
  /** Inbound calls: the opaque CallToken Twilio sends with their webhooks. */
  callToken?: string;
  /**
   * Custom parameters handed to the callee (a Voice SDK exposes them as the call's
   * customParameters): from `client:alice?key=value` in a REST `To`, or from <Parameter> nouns in
   * <Dial><Client> (docs/twilio-voice-semantics.md, "Conference participants" and <Client>).
   */
  customParameters?: Record<string, string>;
}

/**
 * Splits `client:alice?CallerCallSid=CA...` into the address the party answers at and the custom
 * parameters appended to it. Phone numbers carry none. (Twilio documents appending custom
 * parameters to the `To` of a Call or Participant; that `To` then reads as the bare address is
 * inferred.)
 */
export function splitCustomParameters(to: string): { address: string; customParameters?: Record<string, string> } {
  const query = to.indexOf('?');
  if (query < 0 || !/^(client|sips?):/i.test(to)) return { address: to };
  return { address: to.slice(0, query), customParameters: Object.fromEntries(new URLSearchParams(to.slice(query + 1))) };
}

export function isLive(call: Call): boolean {
  return !TERMINAL_STATUSES.has(call.status);
}

/** Duration in whole seconds from answer to end, as the Call resource reports it. */
export function callDurationSec(call: Call, now: number): number {
  if (call.answeredAt === undefined) return 0;
  return Math.floor(((call.endedAt ?? now) - call.answeredAt) / 1000);
}

// A call leg as Twilio's Call resource sees it. Plain data: the engine changes it, the REST
// formatter reads it.
import type { CallEvent, HttpMethod } from '../twiml/types';

/** Call status values (Call resource docs). */
export type CallStatus =
  | 'queued' | 'ringing' | 'in-progress' | 'completed' | 'busy' | 'failed' | 'no-answer' | 'canceled';
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
  timeoutSec: number;
  /** Inbound calls: the opaque CallToken Twilio sends with their webhooks. */
  callToken?: string;
}

export function isLive(call: Call): boolean {
  return !TERMINAL_STATUSES.has(call.status);
}

/** Duration in whole seconds from answer to end, as the Call resource reports it. */
export function callDurationSec(call: Call, now: number): number {
  if (call.answeredAt === undefined) return 0;
  return Math.floor(((call.endedAt ?? now) - call.answeredAt) / 1000);
}

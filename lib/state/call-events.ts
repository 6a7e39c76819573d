// Bookkeeping of the call records, called from the webhooks and callbacks Twilio already makes
// (lib/state/README.md lists which). It never fails or delays a call by much: each write has its
// own short retry budget, and a failure is logged, not thrown. A console that shows a stale state
// for a while is better than a caller who hears an apology because Sync was slow.
import type { Twilio } from 'twilio';
import { isFailure } from '../platform/failure';
import { twilioClient } from '../platform/twilio-client';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import type { HoldContext } from '../platform/env';
import { applyCallEvent, newCallRecord, type CallEvent, type NewCall } from './call-record';
import { changeCallRecord, createCallRecord, deleteCallRecord, RINGING_GRACE_SECONDS, syncServiceSid } from './call-store';

/** All the Sync requests of one bookkeeping step (a read, a write, a retry) end within this. */
const BOOKKEEPING_BUDGET_MS = 2000;
const BOOKKEEPING_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: BOOKKEEPING_BUDGET_MS };

async function keepBooks(context: HoldContext, what: string, callSid: string, step: (client: Twilio, serviceSid: string) => Promise<unknown>): Promise<void> {
  try {
    await step(twilioClient(context), syncServiceSid(context));
  } catch (error) {
    console.error(`could not ${what} for ${callSid}:`, isFailure(error) ? error.message : error);
  }
}

/**
 * The caller's call arrived (/incoming-call): its record starts as ringing-agent, and lives until
 * the agent has had time to answer. 1 request (2 more the very first time: the map).
 */
export function recordCallArrived(context: HoldContext, call: NewCall, ringTimeoutSeconds: number): Promise<void> {
  return keepBooks(context, 'record the new call', call.callSid, (client, service) =>
    createCallRecord(client, service, newCallRecord(call), ringTimeoutSeconds + RINGING_GRACE_SECONDS, BOOKKEEPING_POLICY),
  );
}

/** Something happened to a recorded call. 2 requests (read, write with If-Match), more on a race. */
export function recordCallEvent(context: HoldContext, callerCallSid: string, event: CallEvent): Promise<void> {
  return keepBooks(context, `record ${event.kind}`, callerCallSid, (client, service) =>
    changeCallRecord(client, service, callerCallSid, (record) => applyCallEvent(record, event), BOOKKEEPING_POLICY),
  );
}

/** The caller's call ended: its record goes. 1 request. */
export function recordCallEnded(context: HoldContext, callerCallSid: string): Promise<void> {
  return keepBooks(context, 'remove the ended call', callerCallSid, (client, service) =>
    deleteCallRecord(client, service, callerCallSid, BOOKKEEPING_POLICY),
  );
}

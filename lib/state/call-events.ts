// Bookkeeping of the call records, called from the webhooks and callbacks Twilio already makes
// (lib/state/README.md lists which). It never fails or delays a call by much: each write has its
// own short retry budget, and a failure is logged, not thrown. A console that shows a stale state
// for a while is better than a caller who hears an apology because Sync was slow.
import type { Twilio } from 'twilio';
import { isFailure } from '../platform/failure';
import { twilioClient } from '../platform/twilio-client';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import type { HoldContext } from '../platform/env';
import { applyCallEvent, callConnected, endOfCall, newCallRecord, newHoldEvents, type CallConnected, type CallEvent, type CallRecord, type HoldEvent, type NewCall } from './call-record';
import { deliverHoldEvents, eventDelivery } from './event-delivery';
import { changeCallRecord, createCallRecord, deleteCallRecord, RINGING_GRACE_SECONDS, syncServiceSid, WAITING_CALL_TTL_SECONDS } from './call-store';

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
  // A caller in line lives as long as a waiting one (renewed by each place-in-line write).
  const ttl = call.linePosition === undefined ? ringTimeoutSeconds + RINGING_GRACE_SECONDS : WAITING_CALL_TTL_SECONDS;
  return keepBooks(context, 'record the new call', call.callSid, (client, service) =>
    createCallRecord(client, service, newCallRecord(call), ttl, BOOKKEEPING_POLICY),
  );
}

/**
 * Something happened to a recorded call. 2 requests (read, write with If-Match), more on a race.
 * The hold events it adds, and the call-connected event when the agent first answers, are then
 * delivered to HOLD_EVENTS_URL, if set (event-delivery.ts).
 */
export async function recordCallEvent(context: HoldContext, callerCallSid: string, event: CallEvent): Promise<void> {
  let added: (CallConnected | HoldEvent)[] = [];
  await keepBooks(context, `record ${event.kind}`, callerCallSid, async (client, service) => {
    // A race re-runs the change on a fresh read: only the events of the write that won are kept.
    const written = await changeCallRecord(client, service, callerCallSid, (record) => {
      const next = applyCallEvent(record, event);
      const connected = callConnected(record, next, new Date());
      added = [...(connected ? [connected] : []), ...newHoldEvents(record, next)];
      return next;
    }, BOOKKEEPING_POLICY);
    if (!written) added = [];
  });
  const delivery = eventDelivery(context);
  if (delivery && added.length > 0) await deliverHoldEvents(delivery, added);
}

/**
 * The caller's call ended at `at` (on the clock of the record's hold starts; dial mode gives Twilio's
 * QueueTime of a caller who hung up while held as `heldSeconds`): its record goes.
 * 1 request; with HOLD_EVENTS_URL set 2 (read, delete with If-Match), so that a hold running at the
 * end is sent as a hang-up, followed by the call's summary.
 */
export async function recordCallEnded(context: HoldContext, callerCallSid: string, at: Date = new Date(), heldSeconds?: number): Promise<void> {
  const delivery = eventDelivery(context);
  if (!delivery) {
    return keepBooks(context, 'remove the ended call', callerCallSid, (client, service) =>
      deleteCallRecord(client, service, callerCallSid, BOOKKEEPING_POLICY),
    );
  }
  let last: CallRecord | undefined;
  await keepBooks(context, 'remove the ended call', callerCallSid, async (client, service) => {
    const deleted = await changeCallRecord(client, service, callerCallSid, (record) => {
      last = record;
      return 'delete';
    }, BOOKKEEPING_POLICY);
    if (!deleted) last = undefined;
  });
  if (!last) return;
  const { events, summary } = endOfCall(last, at, heldSeconds);
  await deliverHoldEvents(delivery, [...events, summary]);
}

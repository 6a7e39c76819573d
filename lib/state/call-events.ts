// Bookkeeping of the call records, called from the webhooks and callbacks Twilio already makes
// (lib/state/README.md lists which). It never fails a call and never holds up a webhook's answer
// past a short deadline: a step starts when the webhook does, runs beside its Voice API work, and
// the webhook waits for it only until BOOKKEEPING_DEADLINE_MS into its invocation (a Twilio
// Function cannot work after it has answered: the runtime may freeze it, so what is still running
// then may be lost). A lost write is healed later: the next step of the call creates a missing
// record, GET /calls corrects the state from Twilio's own (calls-endpoint.ts), and undelivered
// events are delivered at the call's next step (docs/console.md, "Bookkeeping in foul weather").
import type { Twilio } from 'twilio';
import { agentAddress, holdModeName } from '../shared/settings';
import { settleWithin } from '../platform/deadline';
import { logFailure } from '../platform/failure';
import { recordsClient } from '../platform/twilio-client';
import {
  DEFAULT_RETRY_POLICY,
  INVOCATION_BUDGET_MS,
  remainingBudgetMs,
  withinInvocationBudget,
  type RetryPolicy,
} from '../platform/twilio-request';
import type { HoldContext } from '../platform/env';
import {
  applyCallEvent,
  endCall,
  newCallRecord,
  newHoldEvents,
  reportOverdueLimit,
  type CallEvent,
  type CallRecord,
  type NewCall,
  type OverdueAfter,
} from './call-record';
import { DEFAULT_DELIVERY_POLICY, deliverEvents, eventDelivery, type EventDelivery } from './event-delivery';
import {
  changeCallRecord,
  createCallRecord,
  LIVE_CALL_TTL_SECONDS,
  RINGING_GRACE_SECONDS,
  syncServiceSid,
  WAITING_CALL_TTL_SECONDS,
  type StoredRecord,
} from './call-store';

/** A webhook waits for its bookkeeping until this long after its invocation began. */
export const BOOKKEEPING_DEADLINE_MS = 500;
/** A step that begins after that deadline (it follows Voice API work) is waited for this long. */
export const LATE_STEP_WAIT_MS = 150;
/**
 * No Sync request or delivery attempt of a step starts later than this after the step began, and
 * each lasts at most 1.5 s (RECORDS_REQUEST_TIMEOUT_MS) or 1 s (a delivery attempt): work no one
 * waits for any more ends within 4.5 s of its start, well inside the 10 s a Function may run.
 */
export const BOOKKEEPING_WORK_LIMIT_MS = 3000;
const BOOKKEEPING_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: BOOKKEEPING_WORK_LIMIT_MS };

type Step = (client: Twilio, serviceSid: string) => Promise<void>;

/** How long a step starting now may hold up its webhook's answer. */
export function bookkeepingWaitMs(): number {
  const elapsed = INVOCATION_BUDGET_MS - remainingBudgetMs();
  return Math.max(LATE_STEP_WAIT_MS, BOOKKEEPING_DEADLINE_MS - elapsed);
}

function keepBooks(context: HoldContext, what: string, callSid: string, step: Step): Promise<void> {
  const waitMs = bookkeepingWaitMs();
  const work = withinInvocationBudget(async () => {
    try {
      await step(recordsClient(context), syncServiceSid(context));
    } catch (error) {
      logFailure(error, { failed: `could not ${what} for ${callSid}` });
    }
  }, BOOKKEEPING_WORK_LIMIT_MS);
  // The step logs its own failures and never rejects.
  return settleWithin(work, waitMs).then((settled) => {
    if (!settled.done) console.error(`could not ${what} for ${callSid} within ${waitMs} ms: the answer does not wait (healed later)`);
  });
}

/** What a step's change saw and did: its new events, and when the record it read was written. */
interface StepWrite {
  added: Set<string>;
  previousWrite: string;
}

/** New events of a change are undelivered until a delivery succeeds (only with HOLD_EVENTS_URL set). */
function withUndelivered(before: CallRecord, next: CallRecord, delivery: EventDelivery | undefined): CallRecord {
  if (next === before || !delivery) return next;
  const added = newHoldEvents(before, next).map((e) => e.id);
  if (added.length === 0) return next;
  const kept = new Set(next.events.map((e) => e.id));
  return { ...next, undelivered: [...next.undelivered, ...added].filter((id) => kept.has(id)) };
}

/**
 * Earlier steps' undelivered events are sent again only when the record was last written this long
 * ago: by then the step that wrote it has delivered them or given up (a delivery starts no attempt
 * after DEFAULT_DELIVERY_POLICY.budgetMs, and an attempt lasts at most 1 s), so steps that run at
 * once (a conference's end: two leaves and the end) do not all send the same events.
 */
export const REDELIVER_AFTER_MS = 3000;

/**
 * Delivers this step's new events and the undelivered ones an earlier step could not deliver,
 * then takes the delivered ones off the list: 1 write with If-Match on the revision just written
 * (a read more if another step wrote meanwhile).
 */
async function deliverPending(
  client: Twilio,
  serviceSid: string,
  stored: StoredRecord,
  step: StepWrite,
  delivery: EventDelivery,
): Promise<void> {
  const { record } = stored;
  const retryOthers = Date.parse(step.previousWrite) < Date.now() - REDELIVER_AFTER_MS;
  const pending = record.events.filter((e) => record.undelivered.includes(e.id) && (retryOthers || step.added.has(e.id)));
  if (pending.length === 0) return;
  const outcomes = await deliverEvents(delivery, pending, {
    ...DEFAULT_DELIVERY_POLICY,
    budgetMs: Math.min(DEFAULT_DELIVERY_POLICY.budgetMs, remainingBudgetMs()),
  });
  // A refused event (4xx) will not change on a retry: it is off the list too, and logged.
  const done = new Set(pending.filter((_, i) => outcomes[i] !== 'failed').map((e) => e.id));
  // Past the step's time they stay on the list, and a later step sends them again (at least once).
  if (done.size === 0 || remainingBudgetMs() <= 0) return;
  await changeCallRecord(
    client,
    serviceSid,
    record.callSid,
    (r) => {
      const left = r.undelivered.filter((id) => !done.has(id));
      return left.length === r.undelivered.length ? r : { ...r, undelivered: left };
    },
    { policy: BOOKKEEPING_POLICY, known: stored },
  );
}

/** What a step knows of a call whose record is missing (its creation was lost): marked incomplete. */
function reconstructed(context: HoldContext, callSid: string, at: Date): { record: CallRecord; ttlSeconds: number } {
  const record = newCallRecord({ callSid, mode: holdModeName(context), from: '', agent: agentAddress(context).value, at });
  return { record: { ...record, incomplete: true }, ttlSeconds: LIVE_CALL_TTL_SECONDS };
}

/**
 * The caller's call arrived (/incoming-call): its record starts as ringing-agent, and lives until
 * the agent has had time to answer. 1 request (2 more the very first time: the map).
 */
export function recordCallArrived(context: HoldContext, call: NewCall, ringTimeoutSeconds: number): Promise<void> {
  // A caller in line lives as long as a waiting one (renewed by each place-in-line write).
  const ttl = call.linePosition === undefined ? ringTimeoutSeconds + RINGING_GRACE_SECONDS : WAITING_CALL_TTL_SECONDS;
  return keepBooks(context, 'record the new call', call.callSid, async (client, service) => {
    await createCallRecord(client, service, newCallRecord(call), ttl, BOOKKEEPING_POLICY);
  });
}

/** Applies a change to a call's record (creating a lost one), then delivers what is undelivered. */
function changeAndDeliver(
  context: HoldContext,
  what: string,
  callSid: string,
  change: (record: CallRecord) => CallRecord,
  at: Date,
): Promise<void> {
  const delivery = eventDelivery(context);
  return keepBooks(context, what, callSid, async (client, service) => {
    const step: StepWrite = { added: new Set(), previousWrite: new Date().toISOString() };
    const stored = await changeCallRecord(
      client,
      service,
      callSid,
      (record) => {
        const next = change(record);
        // A race re-runs the change on a fresh read: only the events of the write that won count.
        step.added = new Set(newHoldEvents(record, next).map((e) => e.id));
        step.previousWrite = record.updatedAt;
        return withUndelivered(record, next, delivery);
      },
      {
        policy: BOOKKEEPING_POLICY,
        missing: () => reconstructed(context, callSid, at),
      },
    );
    if (stored && delivery) await deliverPending(client, service, stored, step, delivery);
  });
}

/**
 * reportOverdueLimit for one change, with the log line that goes with a report
 * (docs/hold-experience.md): the change may run again on a fresh read after a write race, so the
 * line is written once the change is done, by what its last run found.
 */
function overdueReport(callerCallSid: string, at: Date, overdue: OverdueAfter | undefined) {
  let heldFor: number | undefined;
  return {
    apply(record: CallRecord): CallRecord {
      const reported = reportOverdueLimit(record, at, overdue);
      heldFor = reported === record ? undefined : Math.round((at.getTime() - Date.parse(record.holdStartedAt ?? '')) / 1000);
      return reported;
    },
    log(): void {
      if (heldFor !== undefined)
        console.error(`hold limit of ${callerCallSid} not enforced: found at the end of the hold, after ${heldFor} s`);
    },
  };
}

/**
 * Something happened to a recorded call. 2 requests (read, write with If-Match), more on a race;
 * with HOLD_EVENTS_URL set, 1 more write once events were delivered. The events it adds (and the
 * call-connected event when the agent first answers) are delivered to HOLD_EVENTS_URL.
 */
export async function recordCallEvent(
  context: HoldContext,
  callerCallSid: string,
  event: CallEvent,
  overdue?: OverdueAfter,
): Promise<void> {
  const now = new Date();
  const report = overdueReport(callerCallSid, event.kind === 'hold-ended' ? event.at : now, overdue);
  await changeAndDeliver(context, `record ${event.kind}`, callerCallSid, (record) => applyCallEvent(report.apply(record), event, now), now);
  report.log();
}

/**
 * The caller's call ended at `at` (on the clock of the record's hold starts; dial mode gives Twilio's
 * QueueTime of a caller who hung up while held as `heldSeconds`): a hold running at the end is a
 * hang-up, the call's summary is its last event, and the record is kept ENDED_CALL_TTL_SECONDS
 * for its events, never listed as live. 2 requests (read, write), 1 more after a delivery.
 */
export async function recordCallEnded(
  context: HoldContext,
  callerCallSid: string,
  at: Date = new Date(),
  heldSeconds?: number,
  overdue?: OverdueAfter,
): Promise<void> {
  const report = overdueReport(callerCallSid, at, overdue);
  await changeAndDeliver(
    context,
    'record the end of the call',
    callerCallSid,
    (record) => endCall(report.apply(record), at, heldSeconds),
    at,
  );
  report.log();
}

// GET|POST /calls: every live call for the hold console and agent software, and (with
// `eventsSince`) the events a receiver of HOLD_EVENTS_URL may have missed. Same Bearer auth and
// error contract as /hold. The call records (Sync) and Twilio's own state of the live calls are
// read side by side, and the list is what Twilio shows, with each record's counts and events
// (lib/state/reconcile.ts): a record lost, stale or left over by a Sync outage does not show.
// A long poll (`wait` with the ETag of the last answer, calls-wait.ts) waits inside the Function's
// time for the records to change, looking at the calls map's revision, and answers 304 if they do
// not. The REST cost is in docs/console.md ("What refreshing costs").
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { Twilio } from 'twilio';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken, optionalHttpUrl } from './platform/config';
import { agentAddress, remindersWanted } from './shared/settings';
import { holdLimitSet } from './shared/hold-limit';
import { settleWithin } from './platform/deadline';
import { badInput, upstream, logFailure } from './platform/failure';
import { jsonResponse, notModified } from './platform/responses';
import { recordsClient, twilioClient } from './platform/twilio-client';
import { DEFAULT_RETRY_POLICY, remainingBudgetMs, type RetryPolicy } from './platform/twilio-request';
import type { FunctionEvent, HoldContext } from './platform/env';
import { liveCallReaderOf, type LiveCallReader } from './hold-mode';
import { eventTime, type CallRecord, type ListedCall, type RecordedEvent } from './state/call-record';
import { callsRevision, listCallItems, syncServiceSid } from './state/call-store';
import { whoHearsWhat, type Hears } from './state/hearing';
import { reconcileCalls, type LiveCall } from './state/reconcile';
import { etagOf, parseEtag, parseWait, waitForChange } from './calls-wait';

export interface CallsAnswer {
  calls: (ListedCall & { hears: Hears })[];
  /** The call records (Sync) were read; false: the list is Twilio's state alone, without counts or events. */
  recordsAvailable: boolean;
  /** Twilio's state of the live calls was read; false: the list is the records alone, as last written. */
  liveStateAvailable: boolean;
  /** The functions run against the local emulator: the console shows its test-call controls. */
  emulator: boolean;
}

export interface EventsAnswer {
  /** Every recorded event at or after `eventsSince`, of live and ended calls, oldest first. */
  events: RecordedEvent[];
  recordsAvailable: true;
}

/** Each read gives up within this: a slow Sync or Voice API costs /calls at most about this long. */
const READ_POLICY: RetryPolicy = { ...DEFAULT_RETRY_POLICY, budgetMs: 3000 };

export function runsOnEmulator(context: HoldContext): boolean {
  return optionalHttpUrl(context, 'TWILIO_API_BASE_URL') !== undefined;
}

function parseSince(event: FunctionEvent): Date | undefined {
  const value = event.eventsSince;
  if (value === undefined) return undefined;
  const at = typeof value === 'string' && /^\d{4}-\d\d-\d\dT/.test(value) ? new Date(value) : undefined;
  if (!at || Number.isNaN(at.getTime())) throw badInput('eventsSince must be an ISO 8601 instant, e.g. 2026-12-03T08:00:00.000Z');
  return at;
}

/**
 * A read that gives up, logged, when it fails or when the invocation's budget (8 s from its start,
 * remainingBudgetMs) runs out: a request in flight has its own timeout (5 s for the Voice API), and
 * a list read that follows a long poll's late look must still answer inside Twilio's 10 s limit.
 */
async function readOrLog<T>(what: string, read: () => Promise<T | undefined>): Promise<T | undefined> {
  try {
    const result = await settleWithin(read(), remainingBudgetMs());
    if (result.done) return result.value;
    console.error(`GET /calls could not read ${what} within the invocation's time: answered without it`);
    return undefined;
  } catch (error) {
    logFailure(error, { failed: `GET /calls could not read ${what}` });
    return undefined;
  }
}

/** Who a call whose record was lost was connected to: AGENT_NUMBER, as /incoming-call records it. */
function agentOf(context: HoldContext): string {
  try {
    return agentAddress(context).value;
  } catch {
    return '';
  }
}

/** The configured mode's read of the live calls; a misconfigured HOLD_MODE fails this read only. */
async function readLiveCalls(client: Twilio, context: HoldContext): Promise<{ mode: LiveCallReader; calls: LiveCall[] }> {
  const mode = liveCallReaderOf(context);
  return { mode, calls: await mode.readLiveCalls(client, READ_POLICY) };
}

export async function handleCallsRequest(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  // The token first: nobody without it can hold an invocation open.
  requireBearerToken(event, holdApiToken(context));
  const since = parseSince(event);
  const wait = parseWait(event);
  // When the first record expires: an expiry changes the list without a write (the ETag has it).
  const expiry: { next: Date | null } = { next: null };
  const readRecords = async (): Promise<CallRecord[]> => {
    const items = await listCallItems(recordsClient(context), syncServiceSid(context), new Date(), READ_POLICY);
    expiry.next = items.nextExpiry;
    return items.records;
  };
  if (since) {
    // The events are on the records only: without Sync there is nothing to answer but the failure.
    const records = await readRecords();
    const events = records
      .flatMap((record) => record.events)
      .filter((e) => eventTime(e) >= since.toISOString())
      .sort((a, b) => eventTime(a).localeCompare(eventTime(b)) || a.id.localeCompare(b.id));
    const answer: EventsAnswer = { events, recordsAvailable: true };
    return jsonResponse(200, answer);
  }
  const serviceSid = syncServiceSid(context);
  // Only a client that long-polls (any `wait`) gets an ETag and pays for its looks at the revision.
  let revisionRead: string | null | undefined;
  if (event.wait !== undefined) {
    // Functions pass request headers lowercased, If-None-Match among them (not a restricted one:
    // https://www.twilio.com/docs/runtime/functions/headers-and-cookies/limitations).
    const held = parseEtag(event.request?.headers?.['if-none-match']);
    const revision = () => callsRevision(recordsClient(context), serviceSid, READ_POLICY);
    // Sync cannot be read: no wait and no ETag, the list from Twilio's own state at once.
    const seen = await readOrLog('the calls revision', async () =>
      held ? waitForChange(held, wait, { revision, now: Date.now, sleep }) : { changed: true as const, revision: await revision() },
    );
    if (seen && !seen.changed) return notModified(etagOf(held!));
    // Read before the list: a write between the two makes the next look read the list again.
    if (seen?.changed) revisionRead = seen.revision;
  }
  const readAt = new Date();
  const client = twilioClient(context);
  const [records, liveRead] = await Promise.all([
    readOrLog('the call records', readRecords),
    readOrLog("Twilio's state of the live calls", () => readLiveCalls(client, context)),
  ]);
  if (records === undefined && liveRead === undefined)
    throw upstream('neither the call records (Sync) nor the live calls (Voice API) could be read');
  // A call without a record has its caller's number read only if the mode's read did not give it.
  const recorded = new Set((records ?? []).filter((r) => r.endedAt === null).map((r) => r.callSid));
  const live =
    liveRead &&
    ((await readOrLog("the callers' numbers", () => liveRead.mode.withCallersNumbers(client, liveRead.calls, recorded, READ_POLICY))) ??
      liveRead.calls);
  const holdLimit = holdLimitSet(context);
  const read = reconcileCalls(records, live, agentOf(context), readAt, holdLimit);
  // The next chance for a conference hold limit whose timer an outage took (docs/hold-experience.md).
  const resumed = new Set(holdLimit && liveRead ? await liveRead.mode.takeLateLimits(context, read) : []);
  const listed = read.map((call) => (resumed.has(call.callSid) ? { ...call, state: 'talking' as const, holdStartedAt: null } : call));
  // Oldest call first, so a row does not move while a person reaches for its button.
  const reminders = remindersWanted(context);
  const calls = [...listed]
    .sort((a, b) => a.startedAt.localeCompare(b.startedAt) || a.callSid.localeCompare(b.callSid))
    .map((call) => ({ ...call, hears: whoHearsWhat(call, { reminders }) }));
  const answer: CallsAnswer = {
    calls,
    recordsAvailable: records !== undefined,
    liveStateAvailable: live !== undefined,
    emulator: runsOnEmulator(context),
  };
  const response = jsonResponse(200, answer);
  // An ETag only for a list read with the records: without them the next request reads afresh.
  if (revisionRead !== undefined && records !== undefined) {
    const nextExpiry = expiry.next && Math.floor(expiry.next.getTime() / 1000);
    response.appendHeader('ETag', etagOf({ revision: revisionRead, nextExpiry, issuedAt: Math.floor(Date.now() / 1000) }));
  }
  return response;
}

const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

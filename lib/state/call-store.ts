// The call records in Twilio Sync: one Map ("hold-calls") in the service SYNC_SERVICE_SID (default
// "default", the account's default service, which Twilio Functions use), one item per live call
// keyed by the caller's CallSid. Every request goes through callTwilio (retries, budget).
import { isSid } from '../platform/sids';
import type { Twilio } from 'twilio';
import { isFailure, misconfigured, upstream } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, remainingBudgetMs, type RetryPolicy } from '../platform/twilio-request';
import type { HoldEnv } from '../platform/env';
import { parseCallRecord, type CallRecord } from './call-record';

export const CALLS_MAP = 'hold-calls';

/**
 * An item lives this long after its last write, so a call whose end we never hear of (a lost
 * callback) disappears by itself. Twilio's TTL is fixed at each write and does not advance with
 * updates (https://www.twilio.com/docs/sync/objects-ttl), so every write sets it again.
 * 4 h is the default <Dial> timeLimit, the longest a bridged call runs unless told otherwise.
 */
export const LIVE_CALL_TTL_SECONDS = 4 * 60 * 60;
/**
 * An ended call's record (and an agent-gone one, whose end may never be heard of) is kept this
 * long after its last write, for its events (`GET /calls?eventsSince=`, docs/hold-experience.md);
 * `GET /calls` never lists it as live.
 */
export const ENDED_CALL_TTL_SECONDS = 60 * 60;
/**
 * A call still ringing the agent lives this long beyond the ring timeout: if the call never got
 * connected (Twilio refused to call the agent and the caller heard an apology), no callback
 * comes to remove it. The agent answering sets LIVE_CALL_TTL_SECONDS.
 */
export const RINGING_GRACE_SECONDS = 60;

/**
 * A caller waiting in line (docs/line.md) lives this long after the last write: each request of the
 * line's waitUrl (at least every few minutes) writes its place in line and sets it again, so a
 * waiting caller whose hang-up we never hear of disappears within it.
 */
export const WAITING_CALL_TTL_SECONDS = 15 * 60;

/** Sync's largest page (PageSize 1..100 in Twilio's OpenAPI description of ListSyncMapItem). */
export const LIST_PAGE_SIZE = 100;

export function syncServiceSid(env: HoldEnv): string {
  const value = env.SYNC_SERVICE_SID?.trim();
  if (!value) return 'default';
  if (value !== 'default' && !isSid('syncService', value)) {
    throw misconfigured(`SYNC_SERVICE_SID must be "default" or "IS" followed by 32 lowercase hex digits, not "${value}"`);
  }
  return value;
}

function calls(client: Twilio, serviceSid: string) {
  return client.sync.v1.services(serviceSid).syncMaps(CALLS_MAP);
}

const isNotFound = (error: unknown): boolean => isFailure(error) && error.kind === 'not-found';
/** 412: the item changed since it was read (If-Match); 409: it already exists. */
const statusOf = (error: unknown): number | undefined => (isFailure(error) ? error.twilio?.status : undefined);

/**
 * Creates a call's item, and the map itself the first time. An item that exists already is kept
 * (false).
 */
export async function createCallRecord(
  client: Twilio,
  serviceSid: string,
  record: CallRecord,
  ttlSeconds: number,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<boolean> {
  const create = () =>
    callTwilio(
      'record the call',
      () => calls(client, serviceSid).syncMapItems.create({ key: record.callSid, data: record, itemTtl: ttlSeconds }),
      policy,
    );
  try {
    await create();
    return true;
  } catch (error) {
    if (statusOf(error) === 409) return false;
    if (!isNotFound(error)) throw error;
  }
  await createCallsMap(client, serviceSid, policy);
  try {
    await create();
    return true;
  } catch (error) {
    if (statusOf(error) === 409) return false;
    throw error;
  }
}

async function createCallsMap(client: Twilio, serviceSid: string, policy: RetryPolicy): Promise<void> {
  try {
    await callTwilio('create the calls map', () => client.sync.v1.services(serviceSid).syncMaps.create({ uniqueName: CALLS_MAP }), policy);
  } catch (error) {
    // Another invocation made it first.
    if (statusOf(error) !== 409) throw error;
  }
}

/** What to do with a call's record, given what is stored. */
export type RecordChange = (record: CallRecord) => CallRecord | 'delete';

const MAX_WRITE_ATTEMPTS = 4;

/** A call's item as read or written: its record, its raw data (with fields of later features) and its revision. */
export interface StoredRecord {
  record: CallRecord;
  data: object;
  revision: string;
}

export interface ChangeOptions {
  policy?: RetryPolicy;
  /** The item as this invocation last wrote it: the first write tries its revision without a read. */
  known?: StoredRecord;
  /** A call without a record gets this one (then changed): records heal after a lost write. */
  missing?: () => { record: CallRecord; ttlSeconds: number };
}

/**
 * Reads a call's item, applies the change and writes it back with If-Match on the revision read,
 * so two callbacks of the same call that race cannot lose each other's update: the loser reads
 * again (Twilio answers 412). Fields this module does not know (added by later features) are kept.
 * Every write sets `updatedAt`. Returns the item as it now stands, or undefined when the call has
 * no record (never recorded, or expired) and `missing` is not given. No attempt starts once the
 * invocation's budget is spent.
 */
export async function changeCallRecord(
  client: Twilio,
  serviceSid: string,
  callSid: string,
  change: RecordChange,
  options: ChangeOptions = {},
): Promise<StoredRecord | undefined> {
  const policy = options.policy ?? DEFAULT_RETRY_POLICY;
  let known = options.known;
  for (let attempt = 1; ; attempt += 1) {
    if (attempt > 1 && remainingBudgetMs() <= 0) throw upstream(`no time left to change the record of ${callSid}`);
    let item: StoredRecord | undefined = known;
    known = undefined;
    if (!item) {
      try {
        const read = await callTwilio('read the call record', () => calls(client, serviceSid).syncMapItems(callSid).fetch(), policy);
        const record = parseCallRecord(read.data);
        if (!record) return undefined;
        item = { record, data: read.data as object, revision: read.revision };
      } catch (error) {
        if (!isNotFound(error)) throw error;
        if (!options.missing) return undefined;
        const { record, ttlSeconds } = options.missing();
        // Created as it is, then changed; a record that appeared meanwhile (409) is read again.
        await createCallRecord(client, serviceSid, record, ttlSeconds, policy);
        if (attempt >= MAX_WRITE_ATTEMPTS) throw upstream(`the record of ${callSid} keeps changing`);
        continue;
      }
    }
    const next = change(item.record);
    if (next === item.record) return item;
    try {
      if (next === 'delete') {
        const revision = item.revision;
        await callTwilio(
          'delete the call record',
          () => calls(client, serviceSid).syncMapItems(callSid).remove({ ifMatch: revision }),
          policy,
        );
        return undefined;
      }
      const ttl = ttlOf(next);
      const data = { ...item.data, ...next, updatedAt: new Date().toISOString() };
      const revision = item.revision;
      const written = await callTwilio(
        'update the call record',
        () =>
          calls(client, serviceSid)
            .syncMapItems(callSid)
            .update({ data, ifMatch: revision, ...(ttl === undefined ? {} : { itemTtl: ttl }) }),
        policy,
      );
      return { record: { ...next, updatedAt: data.updatedAt }, data, revision: written.revision };
    } catch (error) {
      if (isNotFound(error)) return undefined;
      if (statusOf(error) !== 412 || attempt >= MAX_WRITE_ATTEMPTS) throw error;
    }
  }
}

function ttlOf(record: CallRecord): number | undefined {
  if (record.endedAt !== null || record.state === 'agent-gone') return ENDED_CALL_TTL_SECONDS;
  if (record.state === 'waiting') return WAITING_CALL_TTL_SECONDS;
  // Still ringing: keep the TTL set on arrival.
  if (record.state === 'ringing-agent') return undefined;
  return LIVE_CALL_TTL_SECONDS;
}

/**
 * Every stored record, live and ended: ceil(N / 100) list requests for N stored items (at least
 * one), and no request per call. Items past their expiry are skipped: Twilio may delete them
 * minutes late.
 */
export async function listCallRecords(
  client: Twilio,
  serviceSid: string,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<CallRecord[]> {
  return (await listCallItems(client, serviceSid, now, policy)).records;
}

/** The records, and when the first of them expires (null: none expires): an expiry changes the list. */
export async function listCallItems(
  client: Twilio,
  serviceSid: string,
  now: Date,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<{ records: CallRecord[]; nextExpiry: Date | null }> {
  let items;
  try {
    items = await callTwilio('list the calls', () => calls(client, serviceSid).syncMapItems.list({ pageSize: LIST_PAGE_SIZE }), policy);
  } catch (error) {
    // No map yet: no call was ever recorded.
    if (isNotFound(error)) return { records: [], nextExpiry: null };
    throw error;
  }
  const live = items.filter(
    (item) => item.dateExpires === null || item.dateExpires === undefined || item.dateExpires.getTime() > now.getTime(),
  );
  const expiries = live.map((item) => item.dateExpires?.getTime()).filter((t): t is number => typeof t === 'number');
  return {
    records: live.map((item) => parseCallRecord(item.data)).filter((record): record is CallRecord => record !== undefined),
    nextExpiry: expiries.length > 0 ? new Date(Math.min(...expiries)) : null,
  };
}

/**
 * The calls map's own revision, one Sync request: it moves with every change of its items ("Full
 * map modification history persists with every change that triggers a new revision",
 * https://www.twilio.com/docs/sync/api/map-resource). null when the map does not exist yet.
 */
export async function callsRevision(
  client: Twilio,
  serviceSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<string | null> {
  try {
    const map = await callTwilio('read the calls revision', () => calls(client, serviceSid).fetch(), policy);
    return map.revision;
  } catch (error) {
    if (isNotFound(error)) return null;
    throw error;
  }
}

// The state of one live call as the hold console and GET /calls see it: the contract's shape
// (docs/console.md, "GET /calls"), and how each event Twilio tells us about changes it.
// Pure: no HTTP, no Sync. call-store.ts keeps these records in a Sync Map.

export type CallMode = 'conference' | 'dial';
/** `waiting`: in line for a busy agent, hearing the hold music (docs/line.md). */
export type CallState = 'waiting' | 'ringing-agent' | 'talking' | 'on-hold' | 'agent-gone';

/** One Sync Map item's data, keyed by the caller's CallSid. Later features add fields to the same item. */
export interface CallRecord {
  callSid: string;
  mode: CallMode;
  from: string;
  /** Who the call was connected to: an E.164 number, client:identity or a sip: URI. */
  agent: string;
  state: CallState;
  conferenceSid: string | null;
  agentCallSid: string | null;
  /** How many times the caller was put on hold (a hold of a held caller is not counted again). */
  holds: number;
  /** Whole seconds of the holds that have ended (the running one is counted from holdStartedAt). */
  totalHoldSeconds: number;
  longestHoldSeconds: number;
  /** ISO 8601 instant the running hold began; null when the caller is not on hold. */
  holdStartedAt: string | null;
  startedAt: string;
  /** Conference mode, Participant=agent: ISO 8601 start of the agent's running hold, else null. Not counted in `holds`. */
  agentHoldStartedAt: string | null;
  /** The call's events, oldest first, the last MAX_RECORDED_EVENTS of them (docs/hold-experience.md). */
  events: RecordedEvent[];
  /** How many events the call has had: the next event's id is made from it. */
  eventSeq: number;
  /** Ids of events not yet delivered to HOLD_EVENTS_URL (empty when it is not set). */
  undelivered: string[];
  /** ISO 8601 instant of the record's last write (docs/hold-api.md, "Ordering answers"). */
  updatedAt: string;
  /** ISO 8601 instant the call ended; the record is then kept for its events only, never listed as live. */
  endedAt: string | null;
  /**
   * The counts and events may miss something: the record was lost and made again, or its state was
   * corrected from Twilio's own (docs/console.md, "Bookkeeping in foul weather").
   */
  incomplete: boolean;
  /** While `waiting`: the place in line (1 = next to be connected), as Twilio last told it; else null. */
  linePosition: number | null;
  /** While `waiting`: ISO 8601 instant the caller joined the line; else null. */
  waitingSince: string | null;
}

/**
 * A live call as `GET /calls` lists it (docs/console.md): the record without what only the
 * bookkeeping needs (the event counter, the undelivered ids, the end of an ended call).
 */
export type ListedCall = Omit<CallRecord, 'eventSeq' | 'undelivered' | 'endedAt'>;

export function listedCall(record: CallRecord): ListedCall {
  const { eventSeq: _seq, undelivered: _undelivered, endedAt: _ended, ...listed } = record;
  return listed;
}

/** Who was held: the caller (the call's holds) or, in conference mode with Participant=agent, the agent. */
export type HeldParty = 'caller' | 'agent';
/** What started or ended a hold: the /hold and /unhold API, or the hold limit's automatic resume. */
export type HoldCause = 'api' | 'limit';

/**
 * One hold event, as kept on the record and sent to HOLD_EVENTS_URL (docs/hold-experience.md).
 * `hold`: a party was put on hold (heldFor 0); `resume`: it was taken off hold (`by: limit` is the
 * automatic resume); `hang-up`: the hold ended because a party hung up or the agent was gone;
 * `limit-unenforced`: the hold limit's resume failed (docs/hold-experience.md), once per hold.
 */
export interface HoldEvent {
  /** Stable across redeliveries: the `webhook-id` of its delivery. */
  id: string;
  type: 'hold' | 'resume' | 'hang-up' | 'limit-unenforced';
  callSid: string;
  party: HeldParty;
  mode: CallMode;
  /** ISO 8601 instant of the event (Twilio's Timestamp in conference mode, the function's clock in dial mode). */
  at: string;
  /** Whole seconds the party had been held at `at` (0 for `hold`). */
  heldFor: number;
  by: HoldCause;
}

/**
 * A Sync Map item holds at most 16 KB of data (https://www.twilio.com/docs/sync/limits); an event
 * is about 200 bytes, so the record keeps the last 40 and the counts keep the rest.
 */
export const MAX_RECORDED_EVENTS = 40;

export interface NewCall {
  callSid: string;
  mode: CallMode;
  from: string;
  agent: string;
  at: Date;
  /** The agent is busy: the caller joins the line at this place. */
  linePosition?: number;
}

export function newCallRecord(call: NewCall): CallRecord {
  return {
    callSid: call.callSid,
    mode: call.mode,
    from: call.from,
    agent: call.agent,
    state: call.linePosition === undefined ? 'ringing-agent' : 'waiting',
    conferenceSid: null,
    agentCallSid: null,
    holds: 0,
    totalHoldSeconds: 0,
    longestHoldSeconds: 0,
    holdStartedAt: null,
    startedAt: call.at.toISOString(),
    agentHoldStartedAt: null,
    events: [],
    eventSeq: 0,
    undelivered: [],
    updatedAt: call.at.toISOString(),
    endedAt: null,
    incomplete: false,
    linePosition: call.linePosition ?? null,
    waitingSince: call.linePosition === undefined ? null : call.at.toISOString(),
  };
}

/** What Twilio told a webhook or callback, as an event of the caller's call. */
export type CallEvent =
  /** The agent answered and is connected to the caller. */
  | { kind: 'agent-connected'; agentCallSid: string; conferenceSid?: string }
  /**
   * `party` defaults to the caller, `by` to the API. `limitTimer`: conference mode with a hold
   * limit, where the agent's hold may be the limit's timer: not booked (docs/hold-experience.md).
   */
  | { kind: 'hold-started'; at: Date; party?: HeldParty; by?: HoldCause; limitTimer?: boolean }
  /** `heldSeconds`: Twilio's own measure when it gives one (QueueTime in dial mode). */
  | { kind: 'hold-ended'; at: Date; heldSeconds?: number; party?: HeldParty; by?: HoldCause }
  /**
   * The agent hung up or was never reached; the caller is being told and released. A running hold
   * ends at `at`, unless Twilio measures it later (`holdMeasuredLater`: dial mode's QueueTime, in
   * the caller's Enqueue action that follows), when a hold-ended event closes it.
   */
  | { kind: 'agent-gone'; at: Date; holdMeasuredLater?: boolean }
  /** A waiting caller's place in line, as Twilio's QueuePosition gave it. */
  | { kind: 'line-position'; position: number }
  /** The caller left the line to be connected: the agent's phone rings. */
  | { kind: 'line-left' }
  /** The hold limit could not resume the caller held `heldSeconds` (recorded once per hold). */
  | { kind: 'limit-unenforced'; at: Date; heldSeconds: number };

/**
 * The record after an event. Events that change nothing return the same object; an ended call's
 * record changes no more. `now` dates the call-connected event.
 */
export function applyCallEvent(record: CallRecord, event: CallEvent, now: Date = new Date()): CallRecord {
  if (record.endedAt !== null) return record;
  switch (event.kind) {
    case 'line-position':
      if (record.state !== 'waiting' || record.linePosition === event.position) return record;
      return { ...record, linePosition: event.position };
    case 'line-left':
      if (record.state !== 'waiting') return record;
      return { ...record, state: 'ringing-agent', linePosition: null, waitingSince: null };
    case 'agent-connected': {
      const next: CallRecord = {
        ...record,
        agentCallSid: event.agentCallSid,
        conferenceSid: event.conferenceSid ?? record.conferenceSid,
        // A callback that arrives after a hold has begun must not undo it.
        state: record.state === 'ringing-agent' || record.state === 'waiting' ? 'talking' : record.state,
        // A missed line-left: the caller is connected, no longer in line.
        ...(record.state === 'waiting' ? { linePosition: null, waitingSince: null } : {}),
      };
      const connected = callConnected(record, next, now);
      return connected ? withRecorded(next, connected) : next;
    }
    case 'hold-started':
      if (event.party === 'agent') {
        if (record.agentHoldStartedAt !== null || record.state === 'agent-gone') return record;
        // The callbacks of the caller's hold and of the timer's hold of the agent come together and
        // may be booked in either order, so no order tells them apart: with a limit, none is booked.
        if (event.limitTimer) return record;
        return withEvent({ ...record, agentHoldStartedAt: event.at.toISOString() }, 'hold', 'agent', event.at, 0, event.by);
      }
      // Holding a held caller is a no-op for the API, and so it is here.
      if (record.state === 'on-hold' || record.state === 'agent-gone') return record;
      return withEvent(
        { ...record, state: 'on-hold', holds: record.holds + 1, holdStartedAt: event.at.toISOString() },
        'hold',
        'caller',
        event.at,
        0,
        event.by,
      );
    case 'hold-ended': {
      if (event.party === 'agent') {
        if (record.agentHoldStartedAt === null) return record;
        const heldFor = event.heldSeconds ?? secondsBetween(record.agentHoldStartedAt, event.at);
        return withEvent({ ...record, agentHoldStartedAt: null }, 'resume', 'agent', event.at, heldFor, event.by);
      }
      if (record.holdStartedAt === null || (record.state !== 'on-hold' && record.state !== 'agent-gone')) return record;
      const ended = endHold(record, event.at, event.heldSeconds);
      // A hold that ends after the agent is gone ended by a hang-up (dial mode measures it late).
      return record.state === 'on-hold'
        ? withEvent({ ...ended.record, state: 'talking' }, 'resume', 'caller', event.at, ended.heldFor, event.by)
        : withEvent(ended.record, 'hang-up', 'caller', event.at, ended.heldFor, 'api');
    }
    case 'agent-gone':
      if (record.state === 'agent-gone') return record;
      if (record.state === 'on-hold' && !event.holdMeasuredLater) {
        const ended = endHold(record, event.at);
        return withEvent({ ...ended.record, state: 'agent-gone' }, 'hang-up', 'caller', event.at, ended.heldFor, 'api');
      }
      return { ...record, state: 'agent-gone' };
    case 'limit-unenforced': {
      // Once per hold of the caller: the resume that failed is retried, and each retry reports.
      const lastHold = record.events.map((e) => e.type === 'hold' && e.party === 'caller').lastIndexOf(true);
      if (record.events.slice(lastHold + 1).some((e) => e.type === 'limit-unenforced')) return record;
      return withEvent(record, 'limit-unenforced', 'caller', event.at, event.heldSeconds, 'limit');
    }
  }
}

/** A hold limit as the record checks it: the limit, and how late a resume may come before it is overdue. */
export interface OverdueAfter {
  maxSeconds: number;
  lateBySeconds: number;
}

/**
 * Before a caller's hold ends (a resume, or the end of the call): a hold that ran past its limit by
 * more than `lateBySeconds` without a report is reported now (limit-unenforced), so that a limit
 * whose timer an outage took is reported even where no GET /calls came to take it
 * (docs/hold-experience.md). Once per hold, as every report.
 */
export function reportOverdueLimit(record: CallRecord, at: Date, limit: OverdueAfter | undefined): CallRecord {
  if (!limit || record.holdStartedAt === null || record.state !== 'on-hold') return record;
  const heldFor = secondsBetween(record.holdStartedAt, at);
  if (heldFor < limit.maxSeconds + limit.lateBySeconds) return record;
  return applyCallEvent(record, { kind: 'limit-unenforced', at, heldSeconds: heldFor }, at);
}

/** Every event the record keeps and delivers; other types may be added, each with an `id`. */
export type RecordedEvent = HoldEvent | CallConnected | CallSummary;
type Unnumbered<E> = E extends RecordedEvent ? Omit<E, 'id'> : never;

/** When an event happened: its `at`, or a summary's `endedAt` (ISO 8601). */
export function eventTime(event: RecordedEvent): string {
  const e = event as unknown as Record<string, unknown>;
  return typeof e.at === 'string' ? e.at : typeof e.endedAt === 'string' ? e.endedAt : '';
}

/**
 * The id of a call's n-th event: stable, unique per call, and the same whichever instance or retry
 * writes it, so a receiver deduplicates deliveries on it (Standard Webhooks' `webhook-id`).
 */
export function eventId(callSid: string, seq: number): string {
  return `evt_${callSid}_${seq}`;
}

function withRecorded(record: CallRecord, event: Unnumbered<RecordedEvent>): CallRecord {
  const seq = record.eventSeq + 1;
  const numbered = { ...event, id: eventId(record.callSid, seq) } as RecordedEvent;
  return { ...record, eventSeq: seq, events: [...record.events, numbered].slice(-MAX_RECORDED_EVENTS) };
}

function withEvent(
  record: CallRecord,
  type: HoldEvent['type'],
  party: HeldParty,
  at: Date,
  heldFor: number,
  by: HoldCause = 'api',
): CallRecord {
  return withRecorded(record, { type, callSid: record.callSid, party, mode: record.mode, at: at.toISOString(), heldFor, by });
}

/** The events `next` added to `before` (what a bookkeeping step has to deliver). */
export function newHoldEvents(before: CallRecord, next: CallRecord): RecordedEvent[] {
  if (next === before) return [];
  const known = new Set(before.events.map((e) => e.id));
  return next.events.filter((e) => !known.has(e.id));
}

/**
 * The record of an ended call: the running holds end as hang-ups (the party hung up while held),
 * then the call's summary. `at` is when the call ended, on the same clock as the holds' starts;
 * `heldSeconds` is Twilio's measure of the caller's running hold when it gives one (QueueTime).
 * An ended record changes no more.
 */
export function endCall(record: CallRecord, at: Date, heldSeconds?: number): CallRecord {
  if (record.endedAt !== null) return record;
  let ended = record;
  if (ended.holdStartedAt !== null) {
    const hold = endHold(ended, at, heldSeconds);
    ended = withEvent(hold.record, 'hang-up', 'caller', at, hold.heldFor, 'api');
  }
  if (ended.agentHoldStartedAt !== null) {
    ended = withEvent({ ...ended, agentHoldStartedAt: null }, 'hang-up', 'agent', at, secondsBetween(ended.agentHoldStartedAt, at), 'api');
  }
  ended = withRecorded(ended, {
    type: 'call-summary',
    callSid: ended.callSid,
    mode: ended.mode,
    startedAt: ended.startedAt,
    endedAt: at.toISOString(),
    holds: ended.holds,
    totalHoldSeconds: ended.totalHoldSeconds,
    longestHoldSeconds: ended.longestHoldSeconds,
  });
  return { ...ended, endedAt: at.toISOString() };
}

/** endCall's new events: the hang-ups, and the summary last. */
export function endOfCall(record: CallRecord, at: Date, heldSeconds?: number): { events: RecordedEvent[]; summary: CallSummary } {
  const added = newHoldEvents(record, endCall(record, at, heldSeconds));
  return { events: added.slice(0, -1), summary: added.at(-1) as CallSummary };
}

/**
 * Sent to HOLD_EVENTS_URL when the agent answers and the parties are connected: every SID that
 * /hold and /unhold need, so agent software learns its call without polling GET /calls.
 */
export interface CallConnected {
  id: string;
  type: 'call-connected';
  callSid: string;
  mode: CallMode;
  from: string;
  agent: string;
  conferenceSid: string | null;
  agentCallSid: string | null;
  at: string;
}

/** The call-connected event when `next` is the record's first change from ringing to talking. */
function callConnected(before: CallRecord, next: CallRecord, at: Date): Unnumbered<CallConnected> | undefined {
  if ((before.state !== 'ringing-agent' && before.state !== 'waiting') || next.state !== 'talking') return undefined;
  const { callSid, mode, from, agent, conferenceSid, agentCallSid } = next;
  return { type: 'call-connected', callSid, mode, from, agent, conferenceSid, agentCallSid, at: at.toISOString() };
}

/** Sent to HOLD_EVENTS_URL when a call ends. */
export interface CallSummary {
  id: string;
  type: 'call-summary';
  callSid: string;
  mode: CallMode;
  startedAt: string;
  endedAt: string;
  holds: number;
  totalHoldSeconds: number;
  longestHoldSeconds: number;
}

function endHold(record: CallRecord, at: Date, heldSeconds?: number): { record: CallRecord; heldFor: number } {
  const measured = heldSeconds ?? secondsBetween(record.holdStartedAt, at);
  return {
    heldFor: measured,
    record: {
      ...record,
      holdStartedAt: null,
      totalHoldSeconds: record.totalHoldSeconds + measured,
      longestHoldSeconds: Math.max(record.longestHoldSeconds, measured),
    },
  };
}

function secondsBetween(startIso: string | null, end: Date): number {
  const start = startIso === null ? NaN : Date.parse(startIso);
  if (Number.isNaN(start)) return 0;
  return Math.max(0, Math.round((end.getTime() - start) / 1000));
}

const MODES = new Set<string>(['conference', 'dial']);
const STATES = new Set<string>(['waiting', 'ringing-agent', 'talking', 'on-hold', 'agent-gone']);

/**
 * A map item's data as a CallRecord, or undefined when it is not one (written by something else,
 * or by an older shape): the list endpoint skips it rather than failing for every call.
 */
export function parseCallRecord(data: unknown): CallRecord | undefined {
  if (typeof data !== 'object' || data === null) return undefined;
  const d = data as Record<string, unknown>;
  const text = (v: unknown): v is string => typeof v === 'string';
  const textOrNull = (v: unknown): v is string | null => v === null || typeof v === 'string';
  const count = (v: unknown): v is number => typeof v === 'number' && Number.isInteger(v) && v >= 0;
  if (
    !text(d.callSid) ||
    !text(d.mode) ||
    !MODES.has(d.mode) ||
    !text(d.from) ||
    !text(d.agent) ||
    !text(d.state) ||
    !STATES.has(d.state) ||
    !textOrNull(d.conferenceSid) ||
    !textOrNull(d.agentCallSid) ||
    !count(d.holds) ||
    !count(d.totalHoldSeconds) ||
    !count(d.longestHoldSeconds) ||
    !textOrNull(d.holdStartedAt) ||
    !text(d.startedAt)
  ) {
    return undefined;
  }
  const events = Array.isArray(d.events) ? d.events.filter(isRecordedEvent) : [];
  return {
    callSid: d.callSid,
    mode: d.mode as CallMode,
    from: d.from,
    agent: d.agent,
    state: d.state as CallState,
    conferenceSid: d.conferenceSid,
    agentCallSid: d.agentCallSid,
    holds: d.holds,
    totalHoldSeconds: d.totalHoldSeconds,
    longestHoldSeconds: d.longestHoldSeconds,
    holdStartedAt: d.holdStartedAt,
    startedAt: d.startedAt,
    // Records written before hold events have neither: no agent hold, no events yet.
    agentHoldStartedAt: textOrNull(d.agentHoldStartedAt) ? d.agentHoldStartedAt : null,
    events,
    // Records written before events had ids have none of these.
    eventSeq: count(d.eventSeq) ? d.eventSeq : events.length,
    undelivered: Array.isArray(d.undelivered) ? d.undelivered.filter(text) : [],
    updatedAt: text(d.updatedAt) ? d.updatedAt : d.startedAt,
    endedAt: textOrNull(d.endedAt) ? d.endedAt : null,
    incomplete: d.incomplete === true,
    // Records written before the line have neither.
    linePosition: typeof d.linePosition === 'number' && Number.isInteger(d.linePosition) && d.linePosition > 0 ? d.linePosition : null,
    waitingSince: typeof d.waitingSince === 'string' ? d.waitingSince : null,
  };
}

/** Any event with an id: types added by other features are kept and delivered as they are. */
function isRecordedEvent(v: unknown): v is RecordedEvent {
  if (typeof v !== 'object' || v === null) return false;
  const e = v as Record<string, unknown>;
  return typeof e.type === 'string' && typeof e.id === 'string' && typeof e.callSid === 'string';
}

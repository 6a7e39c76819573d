// The state of one live call as the hold console and GET /calls see it: the contract's shape
// (docs/console.md, "GET /calls"), and how each event Twilio tells us about changes it.
// Pure: no HTTP, no Sync. call-store.ts keeps these records in a Sync Map.

export type CallMode = 'conference' | 'dial';
export type CallState = 'ringing-agent' | 'talking' | 'on-hold' | 'agent-gone';

/** One Sync Map item's data, keyed by the caller's CallSid. Issue 13 adds fields to the same item. */
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
}

export interface NewCall {
  callSid: string;
  mode: CallMode;
  from: string;
  agent: string;
  at: Date;
}

export function newCallRecord(call: NewCall): CallRecord {
  return {
    callSid: call.callSid,
    mode: call.mode,
    from: call.from,
    agent: call.agent,
    state: 'ringing-agent',
    conferenceSid: null,
    agentCallSid: null,
    holds: 0,
    totalHoldSeconds: 0,
    longestHoldSeconds: 0,
    holdStartedAt: null,
    startedAt: call.at.toISOString(),
  };
}

/** What Twilio told a webhook or callback, as an event of the caller's call. */
export type CallEvent =
  /** The agent answered and is connected to the caller. */
  | { kind: 'agent-connected'; agentCallSid: string; conferenceSid?: string }
  | { kind: 'hold-started'; at: Date }
  /** `heldSeconds`: Twilio's own measure when it gives one (QueueTime in dial mode). */
  | { kind: 'hold-ended'; at: Date; heldSeconds?: number }
  /**
   * The agent hung up or was never reached; the caller is being told and released. A running hold
   * ends at `at`, unless Twilio measures it later (`holdMeasuredLater`: dial mode's QueueTime, in
   * the caller's Enqueue action that follows), when a hold-ended event closes it.
   */
  | { kind: 'agent-gone'; at: Date; holdMeasuredLater?: boolean };

/** The record after an event. Events that change nothing return the same object. */
export function applyCallEvent(record: CallRecord, event: CallEvent): CallRecord {
  switch (event.kind) {
    case 'agent-connected':
      return {
        ...record,
        agentCallSid: event.agentCallSid,
        conferenceSid: event.conferenceSid ?? record.conferenceSid,
        // A callback that arrives after a hold has begun must not undo it.
        state: record.state === 'ringing-agent' ? 'talking' : record.state,
      };
    case 'hold-started':
      // Holding a held caller is a no-op for the API, and so it is here.
      if (record.state === 'on-hold' || record.state === 'agent-gone') return record;
      return { ...record, state: 'on-hold', holds: record.holds + 1, holdStartedAt: event.at.toISOString() };
    case 'hold-ended':
      if (record.holdStartedAt === null || (record.state !== 'on-hold' && record.state !== 'agent-gone')) return record;
      return { ...endHold(record, event.at, event.heldSeconds), state: record.state === 'on-hold' ? 'talking' : record.state };
    case 'agent-gone':
      if (record.state === 'agent-gone') return record;
      if (record.state === 'on-hold' && !event.holdMeasuredLater) return { ...endHold(record, event.at), state: 'agent-gone' };
      return { ...record, state: 'agent-gone' };
  }
}

function endHold(record: CallRecord, at: Date, heldSeconds?: number): CallRecord {
  const measured = heldSeconds ?? secondsBetween(record.holdStartedAt, at);
  return {
    ...record,
    holdStartedAt: null,
    totalHoldSeconds: record.totalHoldSeconds + measured,
    longestHoldSeconds: Math.max(record.longestHoldSeconds, measured),
  };
}

function secondsBetween(startIso: string | null, end: Date): number {
  const start = startIso === null ? NaN : Date.parse(startIso);
  if (Number.isNaN(start)) return 0;
  return Math.max(0, Math.round((end.getTime() - start) / 1000));
}

const MODES = new Set<string>(['conference', 'dial']);
const STATES = new Set<string>(['ringing-agent', 'talking', 'on-hold', 'agent-gone']);

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
    !text(d.callSid) || !text(d.mode) || !MODES.has(d.mode) || !text(d.from) || !text(d.agent) ||
    !text(d.state) || !STATES.has(d.state) || !textOrNull(d.conferenceSid) || !textOrNull(d.agentCallSid) ||
    !count(d.holds) || !count(d.totalHoldSeconds) || !count(d.longestHoldSeconds) ||
    !textOrNull(d.holdStartedAt) || !text(d.startedAt)
  ) {
    return undefined;
  }
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
  };
}

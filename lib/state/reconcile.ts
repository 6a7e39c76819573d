// What GET /calls lists: the call records, checked against Twilio's own state of the live calls
// (read by each mode: conference/live-calls.ts, dial/live-calls.ts). A record can be missing (its
// creation was lost to a Sync outage), stale (a hold or resume was not booked) or left over (the
// call ended and the end was not booked); Twilio's state says which calls live and who is held,
// the record adds what only it knows (numbers, counts, events). Pure: no HTTP, no Sync.
import { listedCall, newCallRecord, type CallMode, type CallRecord, type ListedCall } from './call-record';

/** One live call of ours as Twilio shows it now. */
export interface LiveCall {
  callSid: string;
  mode: CallMode;
  /** `ringing-agent` until the agent's leg is in the call. */
  connected: boolean;
  /** undefined: not read (conference mode past its cap of participant reads): the record says. */
  callerHeld: boolean | undefined;
  /** Conference mode, Participant=agent; always false in dial mode. */
  agentHeld: boolean | undefined;
  conferenceSid: string | null;
  agentCallSid: string | null;
  /** ISO 8601: when Twilio created the call (dial) or the conference (conference mode). */
  startedAt: string;
  /** The caller's number, when the read gives it. */
  from: string;
  /**
   * Twilio's state shows the call is one of ours (a conference named after it, its agent leg, its
   * hold queue); a live call that is not proven is listed only if it has a record.
   */
  proven: boolean;
}

/**
 * The list: every live call, its state and held parties from Twilio, its counts and events from
 * its record. `live` undefined (Twilio could not be read): the records that are not ended, as they
 * are. `records` undefined (Sync could not be read): the live calls alone, each `incomplete`.
 */
export function reconcileCalls(
  records: CallRecord[] | undefined,
  live: LiveCall[] | undefined,
  agent: string,
  readAt = new Date(),
  holdLimit = false,
): ListedCall[] {
  if (live === undefined) return (records ?? []).filter((r) => r.endedAt === null).map(listedCall);
  const byCall = new Map((records ?? []).filter((r) => r.endedAt === null).map((r) => [r.callSid, r]));
  const listed = live
    .filter((call) => call.proven || byCall.has(call.callSid))
    .map((call) => {
      const listed = listedCall(reconcileCall(byCall.get(call.callSid), call, agent, holdLimit));
      // A held state read from Twilio is true as of the read, which began at `readAt`: a client that
      // keeps the newest of answers (appliedAt) and list reads (updatedAt) converges on it.
      if (call.callerHeld === undefined) return listed;
      const read = readAt.toISOString();
      return listed.updatedAt > read ? listed : { ...listed, updatedAt: read };
    });
  // Callers waiting in line for a busy agent (docs/line.md) have no conference or agent leg of their
  // own yet, so the live state read here does not show them: their records say, kept fresh by each
  // announcement of their place in line (and gone 15 minutes after the last one).
  const shown = new Set(listed.map((call) => call.callSid));
  const waiting = [...byCall.values()].filter((r) => r.state === 'waiting' && !shown.has(r.callSid)).map(listedCall);
  return [...listed, ...waiting];
}

/**
 * A record corrected by what Twilio shows of its call; made from Twilio's state when missing.
 * `holdLimit` (HOLD_MAX_SECONDS is set): in conference mode an agent held while its caller is held
 * is the limit's timer (lib/conference/hold-limit.ts), not a hold of the agent's own.
 */
export function reconcileCall(record: CallRecord | undefined, live: LiveCall, agent: string, holdLimit = false): CallRecord {
  const base = record ?? {
    ...newCallRecord({ callSid: live.callSid, mode: live.mode, from: live.from, agent, at: new Date(live.startedAt) }),
    incomplete: true,
  };
  let next: CallRecord = {
    ...base,
    conferenceSid: base.conferenceSid ?? live.conferenceSid,
    agentCallSid: base.agentCallSid ?? live.agentCallSid,
  };
  // A record made from Twilio's state has no write yet: a hold it shows began after the call started.
  const since = record === undefined ? live.startedAt : base.updatedAt;
  if (next.state === 'agent-gone') return next;
  // Only a record made here, or made again by a step that found it lost (incomplete), takes Twilio's
  // word that the agent is connected: a recorded call still
  // ringing may have an agent leg that is up but not bridged (screening: the agent hears who calls
  // and has not pressed a key, docs/how-it-works.md), which Twilio's call list cannot tell apart. A
  // lost "connected" write costs the console a "ringing" until that record expires (ring timeout +
  // 60 s) and is made again from here.
  if (live.connected && next.state === 'ringing-agent' && (record === undefined || record.incomplete)) next = { ...next, state: 'talking' };
  if (live.callerHeld === undefined) return next;
  if (live.callerHeld && next.state !== 'on-hold') {
    // A hold the record missed: it began after the record's last write, the latest known bound.
    next = { ...next, state: 'on-hold', holds: next.holds + 1, holdStartedAt: since, incomplete: true };
  } else if (!live.callerHeld && next.state === 'on-hold') {
    // A resume the record missed: the hold's length is unknown and is not counted.
    next = { ...next, state: 'talking', holdStartedAt: null, incomplete: true };
  }
  if (live.agentHeld === undefined || (holdLimit && live.mode === 'conference' && live.callerHeld)) return next;
  if (live.agentHeld && next.agentHoldStartedAt === null) next = { ...next, agentHoldStartedAt: since, incomplete: true };
  else if (!live.agentHeld && next.agentHoldStartedAt !== null) next = { ...next, agentHoldStartedAt: null, incomplete: true };
  return next;
}

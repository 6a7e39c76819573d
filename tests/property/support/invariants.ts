// The invariants of both modes, checked against the real system (emulator + twilio-run) after every
// step. Each check throws an Error that says which invariant broke and what was observed.
import type { CallView, Hearing } from '../../../emulator';
import type { E2eHarness } from '../../../harness/e2e';
import type { AnswerSpec, HearingSpec, Mode, ModelState, Party } from './model';
import { expectedHearing } from './model';
import { CALLER_ON_HOLD } from '../../../lib/shared/hold-limit';

/** One call under test: a fresh caller, its agent, and the calls that existed before it. */
export interface CallUnderTest {
  mode: Mode;
  caller: string;
  agent: string;
  /** Conference mode: the conference's CF SID (from emu.conferences()), sent as ConferenceSid. */
  conferenceSid?: string;
  /** SIDs of calls from earlier runs: anything else is this run's. */
  earlierCalls: Set<string>;
  /** Dial mode: the AgentHandle of the latest answer that carried one. */
  handle?: string;
  /**
   * Conference mode with HOLD_MAX_SECONDS: while the caller is held the agent is held on the limit's
   * timer (lib/conference/hold-limit.ts), whose document says a few words, then is silent.
   */
  holdLimit?: boolean;
  /**
   * Dial mode: resumes with the handle since the last hold, an upper bound on the re-bridges that
   * used up the agent's hold TwiML (lib/dial/twiml.ts, agentQueueRejoins).
   */
  resumesWithHandle: number;
}

export class InvariantViolation extends Error {
  constructor(invariant: string, detail: string) {
    super(`invariant ${invariant} violated: ${detail}`);
    this.name = 'InvariantViolation';
  }
}

const LIVE_STATUSES = new Set(['queued', 'ringing', 'in-progress']);

export function isLive(call: CallView | undefined): boolean {
  return call !== undefined && LIVE_STATUSES.has(call.status);
}

export function sidOf(call: CallUnderTest, party: Party): string {
  return party === 'caller' ? call.caller : call.agent;
}

export function holdMusicUrl(h: E2eHarness): string {
  return `${h.functions.url}/hold-music.mp3`;
}

function matchesHearing(h: E2eHarness, call: CallUnderTest, party: Party, spec: HearingSpec, actual: Hearing | 'ended'): boolean {
  const other = sidOf(call, party === 'caller' ? 'agent' : 'caller');
  if (actual === 'ended') return spec.kind === 'ended';
  switch (spec.kind) {
    case 'ended':
      return false;
    case 'other-party':
      return actual.kind === 'party' && actual.callSids.length === 1 && actual.callSids[0] === other;
    case 'hold-music':
      return actual.kind === 'music' && actual.url === holdMusicUrl(h);
    case 'silence':
      return actual.kind === 'silence';
    case 'speech':
      return actual.kind === 'speech' && actual.text === spec.text;
    case 'ringing':
      return actual.kind === 'ringing';
  }
}

function describeHearing(h: Hearing | 'ended'): string {
  return JSON.stringify(h);
}

/** The calls this run created (the caller, the agent's leg, and anything else that appeared). */
export function callsOfRun(h: E2eHarness, call: CallUnderTest): CallView[] {
  return h.emu.calls().filter((c) => !call.earlierCalls.has(c.sid));
}

/**
 * Invariants 1-3 and 5 for the state the model is in now:
 * - live: both parties' calls are in progress (1: nothing we did disconnected anyone), they are
 *   the only live calls of this run (no stray leg), and each hears what the model says: the held
 *   party the hold music and the other still connected (2), both each other when none is held (3);
 * - ended: nothing is left behind (5).
 */
export function checkState(h: E2eHarness, call: CallUnderTest, state: ModelState): void {
  if (state.phase === 'ended') {
    checkNothingLeft(h, call);
    return;
  }
  for (const party of ['caller', 'agent'] as const) {
    const view = h.emu.call(sidOf(call, party));
    const expected = state.phase === 'ringing' && party === 'agent' ? 'ringing' : 'in-progress';
    if (view?.status !== expected) {
      throw new InvariantViolation(
        '1 (no action of ours disconnects a party)',
        `the ${party} (${sidOf(call, party)}) is ${view?.status ?? 'unknown'}, expected ${expected}: nobody hung up`,
      );
    }
  }
  const stray = callsOfRun(h, call).filter((c) => isLive(c) && c.sid !== call.caller && c.sid !== call.agent);
  if (stray.length > 0) {
    throw new InvariantViolation('1/5 (no stray legs)', `live calls besides caller and agent: ${JSON.stringify(stray)}`);
  }
  for (const party of ['caller', 'agent'] as const) {
    checkHearing(h, call, state, party);
  }
}

export function checkHearing(h: E2eHarness, call: CallUnderTest, state: ModelState, party: Party): void {
  const specs = expectedHearing(call.mode, state, party);
  // The limit's timer: silence by design, as dial mode's agent queue, with its words first.
  if (call.mode === 'conference' && call.holdLimit && party === 'agent' && state.phase === 'live' && state.callerHeld && !state.agentHeld) {
    specs.push({ kind: 'speech', text: CALLER_ON_HOLD });
  }
  const actual = h.hears(sidOf(call, party));
  if (!specs.some((spec) => matchesHearing(h, call, party, spec, actual))) {
    const which =
      state.phase !== 'live'
        ? '1 (nobody is disconnected; what a waiting party hears)'
        : state.callerHeld || state.agentHeld
          ? '2 (the held party hears hold music, the other stays connected)'
          : '3 (after a resume the two hear each other)';
    throw new InvariantViolation(
      which,
      `the ${party} hears ${describeHearing(actual)}, expected one of ${JSON.stringify(specs)} in state ${JSON.stringify(state)}`,
    );
  }
}

/** Invariant 5: once both parties are gone, no live call, hold queue or conference of this call. */
export function checkNothingLeft(h: E2eHarness, call: CallUnderTest): void {
  const live = callsOfRun(h, call).filter(isLive);
  const queues = h.emu.queues().filter((q) => q.friendlyName === call.caller);
  const conferences = h.emu.conferences().filter((c) => c.friendlyName === call.caller);
  if (live.length + queues.length + conferences.length > 0) {
    throw new InvariantViolation(
      '5 (nothing is left behind)',
      `after both parties left: live calls ${JSON.stringify(live.map((c) => [c.sid, c.status, c.hears]))}, ` +
        `queues ${JSON.stringify(queues)}, conferences ${JSON.stringify(conferences)}`,
    );
  }
}

const HANDLE = /^h1\.CA[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/;

/**
 * A 200's body (docs/hold-api.md): callSid, mode, held, and the SIDs that make the next request
 * cheaper. Dial mode: agentCallSid is always this call's agent, and a hold always hands back an
 * agentHandle. Conference mode: conferenceSid and agentCallSid, when present, are this call's.
 */
function answerBodyIsRight(body: Record<string, unknown>, call: CallUnderTest, held: boolean): boolean {
  const { callSid, mode, held: answered, appliedAfter, appliedAt, ...rest } = body;
  if (callSid !== call.caller || mode !== call.mode || answered !== held) return false;
  // docs/hold-api.md, "Ordering answers": two ISO 8601 instants with milliseconds, the window's start first.
  const instant = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;
  if (typeof appliedAt !== 'string' || !instant.test(appliedAt)) return false;
  if (typeof appliedAfter !== 'string' || !instant.test(appliedAfter) || appliedAfter > appliedAt) return false;
  if (call.mode === 'dial') {
    const { agentCallSid, agentHandle, ...others } = rest;
    if (agentCallSid !== call.agent || Object.keys(others).length > 0) return false;
    return agentHandle === undefined ? !held : typeof agentHandle === 'string' && HANDLE.test(agentHandle);
  }
  const { conferenceSid, agentCallSid, ...others } = rest;
  return (
    Object.keys(others).length === 0 &&
    (conferenceSid === undefined || conferenceSid === call.conferenceSid) &&
    (agentCallSid === undefined || agentCallSid === call.agent)
  );
}

/** Invariant 6: the answer is one the model allows for the state the request was given. */
export function checkAnswer(
  reply: { status: number; body: Record<string, unknown> },
  answers: AnswerSpec[],
  call: CallUnderTest,
  state: ModelState,
): void {
  const ok = answers.some((spec) => {
    if (reply.status !== spec.status) return false;
    switch (spec.status) {
      case 200:
        return answerBodyIsRight(reply.body, call, spec.held);
      case 404:
      case 409:
        return reply.body.error === spec.error && typeof reply.body.message === 'string';
      case 502: {
        const twilio = reply.body.twilio as { status?: unknown } | undefined;
        return reply.body.error === spec.error && typeof reply.body.message === 'string' && twilio?.status === spec.twilioStatus;
      }
    }
  });
  if (!ok) {
    throw new InvariantViolation(
      '6 (every answer matches the state it was given)',
      `answered ${reply.status} ${JSON.stringify(reply.body)}, expected one of ${JSON.stringify(answers)} in state ${JSON.stringify(state)}`,
    );
  }
}

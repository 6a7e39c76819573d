// The pure model behind the property tests: what state a call is in, what each step does to it,
// what every hold/unhold must answer, and what each party must hear. No I/O: the runner
// (runner.ts) drives the real system and compares it with what this file predicts.
import { AGENT_UNAVAILABLE } from '../../../lib/shared/caller-prompts';
import { AGENT_LEFT, CALLER_LEFT, CALLER_ON_HOLD } from '../../../lib/dial/twiml';
import { AGENT_ANSWERS_AFTER_MS } from '../../../harness/e2e';

export type Mode = 'conference' | 'dial';
export type Party = 'caller' | 'agent';

/**
 * A REST fault armed on the emulator for one step, and cleared after it.
 * - retryable: the next `count` REST requests (whoever makes them) answer 429 (20429) or 503
 *   (20503). The functions retry these with backoff (README, "Twilio answers that are safe to
 *   retry ... are retried"), so the outcome must be the same as without the fault. Backoff sleeps
 *   on the REAL clock, hence count 1-2 only.
 * - error500: the `nth` REST request after arming answers 500 (20500), which is not retried.
 *   It hits the API's own request when n <= apiRequestCount(...), else a request a webhook makes
 *   in the aftermath of the API's change (reading a leg, deleting the emptied hold queue).
 */
export type Fault =
  | { kind: 'none' }
  | { kind: 'retryable'; status: 429 | 503; count: 1 | 2 }
  | { kind: 'error500'; nth: number };

export type RetryableFault = Extract<Fault, { kind: 'none' | 'retryable' }>;

export type Command =
  | {
      type: 'hold' | 'unhold';
      /** Conference mode only; undefined: the field is left out (default caller). */
      participant?: Party;
      /** Send the optional SID (ConferenceSid in conference mode, AgentCallSid in dial mode). */
      withSid: boolean;
      fault: Fault;
    }
  | { type: 'hangup'; party: Party; fault: RetryableFault }
  | { type: 'advance'; ms: number };

export interface Sequence {
  /** Start while the agent's phone still rings (it answers AGENT_ANSWERS_AFTER_MS after the call). */
  startRinging: boolean;
  commands: Command[];
  /** Who hangs up at the end when both are still there, so that every run ends its call. */
  finalHangup: Party;
}

export type ModelState =
  /**
   * The agent's phone rings; it answers after `answersInMs` more of virtual time. Conference mode
   * with ConferenceSid reads nothing first (README), so a party may already be held then.
   */
  | { phase: 'ringing'; answersInMs: number; callerHeld: boolean; agentHeld: boolean }
  /** Both parties are on the line; agentHeld only ever in conference mode (Participant=agent). */
  | { phase: 'live'; callerHeld: boolean; agentHeld: boolean }
  | { phase: 'ended' };

export function initialState(startRinging: boolean): ModelState {
  return startRinging ? { phase: 'ringing', answersInMs: AGENT_ANSWERS_AFTER_MS, callerHeld: false, agentHeld: false } : CONNECTED;
}

const CONNECTED: ModelState = { phase: 'live', callerHeld: false, agentHeld: false };

/** Virtual time passes: a ringing agent answers when its time comes (nothing else changes). */
export function advanceOutcome(state: ModelState, ms: number): ModelState {
  if (state.phase !== 'ringing') return state;
  if (ms < state.answersInMs) return { ...state, answersInMs: state.answersInMs - ms };
  return { phase: 'live', callerHeld: state.callerHeld, agentHeld: state.agentHeld };
}

/**
 * Invariant 4: how the party left alone is released when `party` hangs up in `state`: within
 * `boundMs` of virtual time, hearing nothing but `meanwhile` (if anything) until its call ends.
 * - A connected call, conference mode: both parties join with endConferenceOnExit (README, "How a
 *   call flows"), so the conference ends the instant either leaves and takes the other's leg with
 *   it: 0 ms.
 * - A connected call, dial mode: the party left alone is told first (CALLER_LEFT / AGENT_LEFT),
 *   then hung up by a <Hangup>. The longer message, AGENT_LEFT, is 10 words; the emulator speaks
 *   150 words a minute (emulator/README.md, "Say"): 4 s.
 * - The caller hangs up while the agent's phone rings: Twilio cancels the agent's leg (the <Dial>
 *   child, or the conference participant whose conference ended): 0 ms.
 * - The agent declines while ringing: the caller hears the apology AGENT_UNAVAILABLE (18 words,
 *   7.2 s), then the call ends.
 * Webhooks and REST take no virtual time, retries included: they sleep on the real clock while
 * the emulator waits for the webhook.
 */
export interface Release {
  boundMs: number;
  meanwhile?: string;
}

export function releaseOf(mode: Mode, state: ModelState, party: Party): Release {
  if (state.phase === 'ringing') return party === 'caller' ? { boundMs: 0 } : { boundMs: 7_200, meanwhile: AGENT_UNAVAILABLE };
  if (mode === 'conference') return { boundMs: 0 };
  return { boundMs: 4_000, meanwhile: party === 'caller' ? CALLER_LEFT : AGENT_LEFT };
}

/** The answer a hold/unhold must give. `held` is the body's `held` of a 200. */
export type AnswerSpec =
  | { status: 200; held: boolean }
  | { status: 404; error: 'not-found' }
  | { status: 409; error: 'conflict' }
  | { status: 502; error: 'upstream'; twilioStatus: number };

export interface ControlOutcome {
  /** Any of these answers is right; the first is the one the contract names. */
  answers: AnswerSpec[];
  next: ModelState;
  /** Shown in the trace: a dial-mode resume of a live call with AgentCallSid re-bridges the legs. */
  note?: string;
}

type LiveState = Extract<ModelState, { phase: 'live' }>;

function heldOf(state: LiveState, party: Party): boolean {
  return party === 'caller' ? state.callerHeld : state.agentHeld;
}

/** The party a hold/unhold addresses: dial mode always holds the caller (lib/control-endpoint.ts). */
export function targetOf(mode: Mode, command: Extract<Command, { type: 'hold' | 'unhold' }>): Party {
  return mode === 'conference' ? command.participant ?? 'caller' : 'caller';
}

/**
 * How many REST requests the API itself makes for this command in this state, before any webhook
 * runs (the API's write, if any, is always its last request; see the headers of
 * lib/conference/hold.ts and lib/dial/hold.ts):
 * - conference: with ConferenceSid, the participant update (Participant=agent: a read of the caller
 *   in that conference first); without, list(in-progress) then the update, or, when no conference is
 *   in progress, list(in-progress) and list(init).
 * - dial, live call: with AgentCallSid, the one POST to the agent's leg; without, the children
 *   lookup, then (unhold only) the hold-queue read, then the POST unless it is a resume of a live
 *   call (a no-op). Ringing or ended call: with AgentCallSid, the POST (21220 "not in-progress")
 *   and a read of the leg that tells which; without, the children lookup alone (409 or 404).
 */
export function apiRequestCount(mode: Mode, state: ModelState, command: Extract<Command, { type: 'hold' | 'unhold' }>): number {
  if (mode === 'conference') {
    if (!command.withSid) return 2;
    if (targetOf(mode, command) === 'caller') return 1;
    // Participant=agent: a read binds the ConferenceSid to the call, then the update; for an ended
    // call that read is a 404 and nothing follows.
    return state.phase === 'ended' ? 1 : 2;
  }
  if (state.phase !== 'live') return command.withSid ? 2 : 1;
  if (!command.withSid && command.type === 'unhold') return state.callerHeld ? 3 : 2;
  return command.withSid ? 1 : 2;
}

/** What a hold/unhold does when Twilio answers every request: 200 and the new state, or 409 / 404. */
function normalOutcome(mode: Mode, state: ModelState, command: Extract<Command, { type: 'hold' | 'unhold' }>): ControlOutcome {
  // README: 409 "the call cannot be held or resumed in its current state (e.g. the agent is still
  // ringing)", 404 "no such live call (or the party has left)". Neither changes anything. Except:
  // conference mode with ConferenceSid is one request that reads nothing first, and is applied as
  // asked while the agent rings (README, "The hold/unhold API").
  if (state.phase === 'ringing' && mode === 'conference' && command.withSid) {
    const hold = command.type === 'hold';
    const next = targetOf(mode, command) === 'caller' ? { ...state, callerHeld: hold } : { ...state, agentHeld: hold };
    return { answers: [{ status: 200, held: hold }], next };
  }
  if (state.phase === 'ringing') return { answers: [{ status: 409, error: 'conflict' }], next: state };
  if (state.phase === 'ended') return { answers: [{ status: 404, error: 'not-found' }], next: state };
  const hold = command.type === 'hold';
  const party = targetOf(mode, command);
  const next = party === 'caller' ? { ...state, callerHeld: hold } : { ...state, agentHeld: hold };
  const note =
    mode === 'dial' && !hold && command.withSid && !heldOf(state, 'caller')
      ? 're-bridge (resume of a live call with AgentCallSid)'
      : undefined;
  return { answers: [{ status: 200, held: hold }], next, ...(note ? { note } : {}) };
}

/**
 * Invariant 6's expectation: the answer a hold/unhold must give in the state it was given, and the
 * state after it. A failed request (502) leaves the state exactly as it was: in conference mode the
 * one write is the participant update; in dial mode the one write is the POST to the agent's leg,
 * the last request the API makes, so a failure of it or of any read before it moves nothing.
 */
export function controlOutcome(mode: Mode, state: ModelState, command: Extract<Command, { type: 'hold' | 'unhold' }>): ControlOutcome {
  const normal = normalOutcome(mode, state, command);
  const { fault } = command;
  if (fault.kind !== 'error500' || fault.nth > apiRequestCount(mode, state, command)) return normal;
  const failed: AnswerSpec = { status: 502, error: 'upstream', twilioStatus: 500 };
  // Dial mode, a call that is not live, AgentCallSid given: the POST already answered 21220 "not
  // in-progress"; a 500 on the read that follows may be reported as the 409 / 404 the state
  // deserves or as the 502 Twilio's failure is, but not as the other one (an ended call is not
  // "not connected to the agent yet", a ringing one is not "no such live call").
  const alsoRight: AnswerSpec[] = state.phase !== 'live' && mode === 'dial' && command.withSid && fault.nth === 2 ? normal.answers : [];
  return { answers: [failed, ...alsoRight], next: state };
}

/** Either party hanging up ends the whole call (invariant 4 says how fast the other follows). */
export function hangupOutcome(): ModelState {
  return { phase: 'ended' };
}

/** What a party may hear, abstractly; the runner maps it onto the emulator's Hearing. */
export type HearingSpec =
  | { kind: 'other-party' }
  | { kind: 'hold-music' }
  | { kind: 'silence' }
  | { kind: 'speech'; text: string }
  | { kind: 'ringing' }
  | { kind: 'ended' };

/**
 * Who hears what in a state, after everything due at this instant has run (any of the listed).
 * Conference: a held participant hears the hold music (holdUrl); a participant whose only
 * counterpart is held hears an in-progress conference with nobody audible: silence
 * (docs/emulator-api.md, Hearing). Dial: the held caller hears the hold music from its queue's
 * waitUrl; the agent, in the keep-alive loop, hears "Your caller is on hold." once, then silence.
 */
export function expectedHearing(mode: Mode, state: ModelState, party: Party): HearingSpec[] {
  if (state.phase === 'ended') return [{ kind: 'ended' }];
  // While the agent's phone rings, the caller waits in the conference with the hold music as its
  // waitUrl (conference) or hears the <Dial> ring (dial); the agent's leg is ringing.
  if (state.phase === 'ringing') {
    return [{ kind: party === 'agent' || mode === 'dial' ? 'ringing' : 'hold-music' }];
  }
  const other: Party = party === 'caller' ? 'agent' : 'caller';
  if (mode === 'conference') {
    if (heldOf(state, party)) return [{ kind: 'hold-music' }];
    if (heldOf(state, other)) return [{ kind: 'silence' }];
    return [{ kind: 'other-party' }];
  }
  if (!state.callerHeld) return [{ kind: 'other-party' }];
  if (party === 'caller') return [{ kind: 'hold-music' }];
  return [{ kind: 'speech', text: CALLER_ON_HOLD }, { kind: 'silence' }];
}

/** Whether a step can run in this state; steps that cannot are skipped (so shrinking stays valid). */
export function applicable(state: ModelState, command: Command): boolean {
  return command.type !== 'hangup' || state.phase !== 'ended';
}

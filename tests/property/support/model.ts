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
export type Fault = { kind: 'none' } | { kind: 'retryable'; status: 429 | 503; count: 1 | 2 } | { kind: 'error500'; nth: number };

export type RetryableFault = Extract<Fault, { kind: 'none' | 'retryable' }>;

/**
 * Which of the functions' webhooks a WebhookFault hits: all of them, or the one function whose
 * path this is (dial: the agent queue's waitUrl, the caller's Enqueue action, the agent leg's
 * status callback; conference: the hold music as holdUrl, the agent's status callback and
 * conference waitUrl; both: the incoming-call webhook).
 */
export const WEBHOOK_TARGETS = [
  'all',
  '/agent-hold-loop',
  '/hold-queue-ended',
  '/agent-leg-status',
  '/hold-music',
  '/agent-status',
  '/agent-alone',
] as const;
export type WebhookTarget = (typeof WEBHOOK_TARGETS)[number];

/**
 * A fault on the WEBHOOKS the emulator sends to the functions, armed for one control
 * step: the webhooks that the hold or resume sets off fail (the functions answer 500) or are slow
 * (delayed on the virtual clock; 16 s is past Twilio's 15 s limit, so it fails with 11200).
 */
export type WebhookFault =
  { kind: 'none' } | { kind: 'fail'; target: WebhookTarget } | { kind: 'slow'; target: WebhookTarget; latencyMs: 5_000 | 16_000 };

export type ControlCommand = {
  type: 'hold' | 'unhold';
  /** Conference mode only; undefined: the field is left out (default caller). */
  participant?: Party;
  /**
   * Send what saves requests: ConferenceSid in conference mode; in dial mode the AgentHandle of
   * an earlier answer when there is one, else AgentCallSid.
   */
  withSid: boolean;
  fault: Fault;
  webhookFault: WebhookFault;
};

export type Command =
  | ControlCommand
  | { type: 'hangup'; party: Party; fault: RetryableFault }
  | { type: 'advance'; ms: number }
  /** The functions are down for `ms` of virtual time: every webhook to them fails. */
  | { type: 'outage'; ms: number }
  /** Hold and unhold requests sent at once, on one live call; the call must end as the last answer says. */
  | { type: 'burst'; requests: Pick<ControlCommand, 'type' | 'participant' | 'withSid'>[] };

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
  | { phase: 'ringing'; answersInMs: number; callerHeld: boolean; agentHeld: boolean; silentHold?: Party[] }
  /**
   * Both parties are on the line; agentHeld only ever in conference mode (Participant=agent).
   * `silentHold`: conference mode only, a party whose hold music (holdUrl, fetched once per hold)
   * failed to load hears silence instead, until its next hold or resume. Dial mode never has it:
   * the caller queue's waitUrl is the music file itself.
   */
  | { phase: 'live'; callerHeld: boolean; agentHeld: boolean; silentHold?: Party[] }
  | { phase: 'ended' };

export function initialState(startRinging: boolean): ModelState {
  return startRinging ? { phase: 'ringing', answersInMs: AGENT_ANSWERS_AFTER_MS, callerHeld: false, agentHeld: false } : CONNECTED;
}

const CONNECTED: ModelState = { phase: 'live', callerHeld: false, agentHeld: false };

/**
 * The functions are down for `ms`: time passes as with advanceOutcome, and nobody is dropped. What
 * it costs (docs/reliability.md): in conference mode, a party held while the agent still rang joins
 * the conference held when the agent answers, and its holdUrl is requested then: during the outage
 * that fails, and the party hears silence until its next hold or resume. Dial mode: nothing.
 */
export function outageOutcome(mode: Mode, state: ModelState, ms: number): ModelState {
  const next = advanceOutcome(state, ms);
  if (mode !== 'conference' || state.phase !== 'ringing' || next.phase !== 'live') return next;
  const silentHold = (['caller', 'agent'] as const).filter((party) => heldOf(next, party));
  return silentHold.length > 0 ? { ...next, silentHold } : next;
}

/** Virtual time passes: a ringing agent answers when its time comes (nothing else changes). */
export function advanceOutcome(state: ModelState, ms: number): ModelState {
  if (state.phase !== 'ringing') return state;
  if (ms < state.answersInMs) return { ...state, answersInMs: state.answersInMs - ms };
  return {
    phase: 'live',
    callerHeld: state.callerHeld,
    agentHeld: state.agentHeld,
    ...(state.silentHold ? { silentHold: state.silentHold } : {}),
  };
}

/**
 * Invariant 4: how the party left alone is released when `party` hangs up in `state`: within
 * `boundMs` of virtual time, hearing nothing but `meanwhile` (if anything) until its call ends.
 * - A connected call, conference mode: both parties join with endConferenceOnExit (README, "How a
 *   call flows"), so the conference ends the instant either leaves and takes the other's leg with
 *   it: 0 ms.
 * - A connected call, dial mode: the party left alone is told first (CALLER_LEFT / AGENT_LEFT),
 *   then hung up by a <Hangup>. The longer message, AGENT_LEFT, is 10 words; the emulator speaks
 *   150 words a minute (emulator/README.md, "What it emulates": Say): 4 s.
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

export type LiveState = Extract<ModelState, { phase: 'live' }>;
type HeldFlags = Pick<LiveState, 'callerHeld' | 'agentHeld' | 'silentHold'>;

function heldOf(state: HeldFlags, party: Party): boolean {
  return party === 'caller' ? state.callerHeld : state.agentHeld;
}

/** The party a hold/unhold addresses: dial mode always holds the caller (lib/control-endpoint.ts). */
export function targetOf(mode: Mode, command: Pick<ControlCommand, 'participant'>): Party {
  return mode === 'conference' ? (command.participant ?? 'caller') : 'caller';
}

/**
 * What the request carries besides CallSid, which decides how many requests it makes:
 * dial mode sends the AgentHandle of an earlier answer when the runner has one (`handle`).
 */
export interface Sending {
  withSid: boolean;
  /** Dial mode: withSid and the runner holds a handle from an earlier answer. */
  handle: boolean;
}

/**
 * How many REST requests the API itself makes for this command in this state, before any webhook
 * runs (the API's write, if any, is always its last request; see the headers of
 * lib/conference/hold.ts and lib/dial/hold.ts):
 * - conference: with ConferenceSid, the participant update (Participant=agent: a read of the caller
 *   in that conference first); without, list(in-progress) then the update, or, when no conference is
 *   in progress, list(in-progress) and list(init).
 * - dial with the handle: the one update (hold: the agent's leg; resume: the caller's); on a call
 *   that has ended, that update (21220 "not in-progress") and a read of the leg that tells which.
 * - dial without it (AgentCallSid is only checked against the lookup): the children lookup, then
 *   the update (hold), or (resume) one read of the queues and the update only when the caller is
 *   held. Ringing or ended: the lookup alone (409 or 404).
 */
export function apiRequestCount(
  mode: Mode,
  state: ModelState,
  command: Pick<ControlCommand, 'type' | 'participant'>,
  sending: Sending,
): number {
  if (mode === 'conference') {
    if (!sending.withSid) return 2;
    if (targetOf(mode, command) === 'caller') return 1;
    // Participant=agent: a read binds the ConferenceSid to the call, then the update; for an ended
    // call that read is a 404 and nothing follows.
    return state.phase === 'ended' ? 1 : 2;
  }
  if (sending.handle) return state.phase === 'live' ? 1 : 2;
  if (state.phase !== 'live') return 1;
  if (command.type === 'unhold') return state.callerHeld ? 3 : 2;
  return 2;
}

/** What a hold/unhold does when Twilio answers every request: 200 and the new state, or 409 / 404. */
function normalOutcome(mode: Mode, state: ModelState, command: ControlCommand, sending: Sending): ControlOutcome {
  // README: 409 "the call cannot be held or resumed in its current state (e.g. the agent is still
  // ringing)", 404 "no such live call (or the party has left)". Neither changes anything. Except:
  // conference mode with ConferenceSid is one request that reads nothing first, and is applied as
  // asked while the agent rings (README, "The hold/unhold API").
  if (state.phase === 'ringing' && mode === 'conference' && sending.withSid) {
    const hold = command.type === 'hold';
    const party = targetOf(mode, command);
    const music = musicAfter(state, party, hold, command.webhookFault, mode);
    const held = party === 'caller' ? { ...state, callerHeld: hold } : { ...state, agentHeld: hold };
    const next = { ...held, silentHold: music.silentHold };
    if (next.silentHold === undefined) delete next.silentHold;
    return { answers: [{ status: 200, held: hold }], next };
  }
  if (state.phase === 'ringing') return { answers: [{ status: 409, error: 'conflict' }], next: state };
  if (state.phase === 'ended') return { answers: [{ status: 404, error: 'not-found' }], next: state };
  const hold = command.type === 'hold';
  const party = targetOf(mode, command);
  const music = musicAfter(state, party, hold, command.webhookFault, mode);
  const next: ModelState = party === 'caller' ? { ...state, callerHeld: hold, ...music } : { ...state, agentHeld: hold, ...music };
  const note =
    mode === 'dial' && !hold && sending.handle && !heldOf(state, 'caller')
      ? 're-bridge (resume of a live call with the AgentHandle)'
      : undefined;
  return { answers: [{ status: 200, held: hold }], next, ...(note ? { note } : {}) };
}

/**
 * Conference mode: holding a party that is not held fetches its holdUrl (/hold-music); if that
 * webhook fails or is slow, the party hears silence instead of music until it is resumed (holding
 * a held party again fetches nothing, and changes nothing). Dial mode: nothing to degrade (the
 * music is a file, not a function).
 */
function musicAfter(state: HeldFlags, party: Party, hold: boolean, fault: WebhookFault, mode: Mode): { silentHold?: Party[] } {
  const silent = new Set(state.silentHold ?? []);
  const fetched = hold && !heldOf(state, party);
  if (!hold) silent.delete(party);
  if (fetched) {
    const hit = mode === 'conference' && fault.kind !== 'none' && (fault.target === 'all' || fault.target === '/hold-music');
    if (hit) silent.add(party);
    else silent.delete(party);
  }
  return silent.size > 0 ? { silentHold: [...silent] } : {};
}

/**
 * Invariant 6's expectation: the answer a hold/unhold must give in the state it was given, and the
 * state after it. A failed request (502) leaves the state exactly as it was: in conference mode the
 * one write is the participant update; in dial mode the one write is the update of one leg, the
 * last request the API makes, so a failure of it or of any read before it moves nothing.
 */
export function controlOutcome(mode: Mode, state: ModelState, command: ControlCommand, sending: Sending): ControlOutcome {
  const normal = normalOutcome(mode, state, command, sending);
  const { fault } = command;
  if (fault.kind !== 'error500' || fault.nth > apiRequestCount(mode, state, command, sending)) return normal;
  const failed: AnswerSpec = { status: 502, error: 'upstream', twilioStatus: 500 };
  // Dial mode with the handle, a call that has ended: the update already answered 21220 "not
  // in-progress"; a 500 on the read that follows may be reported as the 404 the state deserves or
  // as the 502 Twilio's failure is.
  const alsoRight: AnswerSpec[] = state.phase !== 'live' && mode === 'dial' && sending.handle && fault.nth === 2 ? normal.answers : [];
  return { answers: [failed, ...alsoRight], next: state };
}

/**
 * A burst of holds and resumes on one live call, all at once (docs/reliability.md, "Concurrent hold and unhold"):
 * each answers 200 or 409 (a loser that found the call between hold and resume); the call then
 * ends in the state of the LAST 200 answer given, or as it was when none was.
 */
export function burstOutcome(mode: Mode, state: LiveState, answers: { status: number; held?: boolean; party: Party }[]): ModelState {
  let next: LiveState = state;
  for (const answer of answers) {
    if (answer.status !== 200 || answer.held === undefined) continue;
    const party = mode === 'dial' ? 'caller' : answer.party;
    const music = musicAfter(next, party, answer.held, { kind: 'none' }, mode);
    next = party === 'caller' ? { ...next, callerHeld: answer.held } : { ...next, agentHeld: answer.held };
    next = { ...next, silentHold: music.silentHold };
    if (next.silentHold === undefined) delete next.silentHold;
  }
  return next;
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
    const heard: HearingSpec = { kind: party === 'agent' || mode === 'dial' ? 'ringing' : 'hold-music' };
    return heard.kind === 'hold-music' && state.silentHold?.includes(party) ? [heard, { kind: 'silence' }] : [heard];
  }
  const other: Party = party === 'caller' ? 'agent' : 'caller';
  if (mode === 'conference') {
    if (heldOf(state, party))
      return state.silentHold?.includes(party) ? [{ kind: 'hold-music' }, { kind: 'silence' }] : [{ kind: 'hold-music' }];
    if (heldOf(state, other)) return [{ kind: 'silence' }];
    return [{ kind: 'other-party' }];
  }
  if (!state.callerHeld) return [{ kind: 'other-party' }];
  if (party === 'caller') return [{ kind: 'hold-music' }];
  return [{ kind: 'speech', text: CALLER_ON_HOLD }, { kind: 'silence' }];
}

/** Whether a step can run in this state; steps that cannot are skipped (so shrinking stays valid). */
export function applicable(state: ModelState, command: Command): boolean {
  if (command.type === 'burst') return state.phase === 'live';
  return command.type !== 'hangup' || state.phase !== 'ended';
}

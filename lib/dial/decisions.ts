// Dial mode's decisions, as pure functions of what a webhook or the API was told and of the state
// it read. No HTTP, no REST: the handlers in caller-webhooks.ts, agent-webhooks.ts and hold.ts
// read the state they are asked for and carry out the step decided here.
//
// The rules behind all of them (docs/twilio-voice-semantics.md, "Calls bridged with <Dial>", and
// docs/reliability.md): redirecting the caller's leg while it is the PARENT of its first <Dial>
// hangs up the agent, so the first hold moves the AGENT's leg; after that the caller is nobody's
// parent, and a resume moves the caller. No decision rests on one exact DialCallStatus or
// QueueResult value: where it matters, the state of a leg (which Twilio sends with every request
// as CallStatus, or which is read) decides.
// twilio-rule: parent-redirect-hangs-up-child, child-redirect-ends-dial

/** What a leg is doing, as far as dial mode cares. `unknown`: Twilio could not be asked. */
export type LegState = 'live' | 'connecting' | 'gone' | 'unknown';

const CONNECTING_STATUSES = new Set(['queued', 'initiated', 'ringing']);

/** Call status (queued ringing in-progress completed busy failed no-answer canceled) to LegState. */
export function legStateOf(callStatus: string): LegState {
  if (callStatus === 'in-progress') return 'live';
  if (CONNECTING_STATUSES.has(callStatus)) return 'connecting';
  return 'gone';
}

/** What the caller's call does next. */
export type CallerStep =
  /** <Enqueue> into the caller queue, with music. */
  | 'wait-on-hold'
  /** The agent never answered (busy, no-answer, failed): an apology, then the call ends. */
  | 'agent-unavailable'
  /** The agent hung up: the caller is told, then the call ends (nobody is left alone). */
  | 'agent-left'
  /** Twilio could not put the caller in the queue: an apology, then the call ends. */
  | 'cannot-hold'
  /** The caller is gone: Twilio ignores the answer. */
  | 'nothing';

// --- the caller's <Enqueue> action (/hold-queue-ended) ---------------------------------------------

export interface CallerQueueEnd {
  /** QueueResult: bridged bridging-in-process error hangup leave redirected redirected-from-bridged queue-full system-error. */
  queueResult: string;
  /** The caller's own CallStatus, sent with the request. */
  callerStatus: string;
}

export interface CallerQueueOutcome {
  caller: CallerStep;
  /**
   * What /hold-queue-ended answers: the caller's step, or `take-agent-back` (the resume's own TwiML).
   * Twilio is believed to ignore this answer for a caller redirected out of its queue (rule
   * enqueue-action-after-redirect-ignored, inferred), so the answer is chosen to be harmless if it
   * does not: the same TwiML the resume gave.
   */
  answer: CallerStep | 'take-agent-back';
  /** Tell the agent that the caller is gone and end the agent's leg (it waits in its queue). */
  releaseAgent: boolean;
  /** The call is over: delete its queues. */
  cleanUp: boolean;
}

const QUEUE_FAILURES = new Set(['error', 'system-error', 'queue-full']);

const REDIRECTED = new Set(['redirected', 'redirected-from-bridged']);

/**
 * The caller left its queue. Nobody ever dials the caller queue, so it leaves it only by hanging
 * up, by being redirected (a resume, or being told the agent left), or because Twilio could not
 * queue it. Any other value, now or added later, keeps a live caller on hold: an empty answer
 * would end the caller's call.
 *
 * A redirected caller is answered with the resume's TwiML (<Dial><Queue> of the agent queue, then
 * its own queue again): if Twilio ran it instead of the redirect's TwiML, a resume would still
 * resume. For the other redirect, "the agent left" (lib/dial/agent-webhooks.ts), the agent queue
 * is being deleted: a <Dial><Queue> of a queue that does not exist ends at once and the caller
 * goes on to its queue and the music (rule dial-queue-missing-error), as the old answer did.
 */
export function callerQueueEnded(end: CallerQueueEnd): CallerQueueOutcome {
  if (end.queueResult === 'hangup' || legStateOf(end.callerStatus) === 'gone') {
    return { caller: 'nothing', answer: 'nothing', releaseAgent: true, cleanUp: true };
  }
  if (QUEUE_FAILURES.has(end.queueResult)) return { caller: 'cannot-hold', answer: 'cannot-hold', releaseAgent: true, cleanUp: true };
  if (REDIRECTED.has(end.queueResult)) return { caller: 'wait-on-hold', answer: 'take-agent-back', releaseAgent: false, cleanUp: false };
  return { caller: 'wait-on-hold', answer: 'wait-on-hold', releaseAgent: false, cleanUp: false };
}

// --- the agent's leg -------------------------------------------------------------------------------

/**
 * The agent leg's final status (/agent-leg-status). Its <Dial> or <Dial><Queue> with the caller is
 * over whatever the caller was doing, so the caller is nobody's parent and can be told safely.
 * Completed: the agent was there and left. Anything else final (busy, no-answer, failed,
 * canceled): the agent never answered. A canceled agent leg means the caller hung up first; the
 * message then reaches nobody, which costs one refused request.
 */
export function callerStepWhenAgentLegEnded(agentStatus: string): CallerStep {
  if (legStateOf(agentStatus) !== 'gone') return 'nothing';
  return agentStatus === 'completed' ? 'agent-left' : 'agent-unavailable';
}

/** What the agent queue's waitUrl plays next. */
export type AgentHoldStep = 'announce' | 'silence' | 'caller-left';

/**
 * The agent waits in its queue: told once that the caller is on hold (the first request of this
 * wait, QueueTime 0), then silence. A caller that is gone (it hung up while bridged, and the
 * agent came back here) releases the agent; `unknown` keeps the agent, who can hang up.
 */
export function agentHoldStep(caller: LegState, firstOfThisWait: boolean): AgentHoldStep {
  if (caller === 'gone') return 'caller-left';
  return firstOfThisWait ? 'announce' : 'silence';
}

/** What the agent queue's waitUrl learns about the rules a hold rests on (rule-check.ts). */
export type HoldRulesVerdict = 'holds' | 'look-again' | 'broken' | 'unknown';

/**
 * The agent is in its queue (its waitUrl was requested): under the rules a hold rests on
 * (docs/twilio-voice-semantics.md: child-redirect-ends-dial, queued-agent-redirect-ends-dial-queue,
 * dial-without-action-next-verb) the caller is then in ITS queue within a moment. A live caller
 * that is not there may still be on its way (or be re-bridged, which takes the agent out of its
 * queue at once): look again a few seconds later; not there then, with the agent still waiting,
 * the rules are broken. Unknown when the queues or the caller could not be read.
 */
export function holdRulesVerdict(seen: { callerWaiting?: boolean; callerLeg?: LegState; firstOfThisWait: boolean }): HoldRulesVerdict {
  if (seen.callerWaiting === undefined) return 'unknown';
  if (seen.callerWaiting) return 'holds';
  if (seen.callerLeg !== 'live') return 'unknown';
  return seen.firstOfThisWait ? 'look-again' : 'broken';
}

// --- the hold/unhold API ---------------------------------------------------------------------------

export interface ChildLeg {
  sid: string;
  status: string;
}

export type AgentLegLookup = { kind: 'live'; sid: string } | { kind: 'connecting'; sid: string } | { kind: 'none' };

/**
 * The agent's leg among the caller's children (GET /Calls.json?ParentCallSid=caller). The caller
 * dials the agent once, so there is at most one; later bridges go through queues and create no
 * new child.
 */
export function agentLegAmong(children: ChildLeg[]): AgentLegLookup {
  const live = children.find((child) => legStateOf(child.status) === 'live');
  if (live) return { kind: 'live', sid: live.sid };
  const ringing = children.find((child) => legStateOf(child.status) === 'connecting');
  if (ringing) return { kind: 'connecting', sid: ringing.sid };
  return { kind: 'none' };
}

/** What a resume does, from one read of the call's queues (hold-queue.ts). */
export type ResumeStep =
  /** Both wait on hold: the caller dials the agent queue. */
  | 'bridge'
  /** Never held: the caller is still in its first <Dial> with the agent. Nothing moves. */
  | 'never-held'
  /** Held before, and the caller is not waiting: it is bridged. Nothing moves. */
  | 'already-live'
  /** The caller waits but the agent is not in its queue (leaving, or arriving): 409, nothing moves. */
  | 'agent-not-waiting';

export function resumeStep(queues: { callerWaiting: boolean; agentWaiting: boolean; everHeld: boolean }): ResumeStep {
  if (!queues.everHeld) return 'never-held';
  if (!queues.callerWaiting) return 'already-live';
  return queues.agentWaiting ? 'bridge' : 'agent-not-waiting';
}

// Dial mode's decisions, as pure functions of what a webhook or the API was told and of the state
// of the other leg. No HTTP, no REST: the handlers in caller-webhooks.ts, agent-webhooks.ts
// and hold.ts read the state they are asked for and carry out the step decided here.
//
// The one rule behind all of them (docs/twilio-voice-semantics.md, "Calls bridged with <Dial>"):
// redirecting the caller's leg while it is the PARENT of a bridge hangs up the agent, so hold and
// resume only ever move the AGENT's leg; when the agent leaves a bridge, the caller's call goes on
// with its action URL, and the caller's action handler decides what the caller hears next.

/** What a leg is doing, as far as dial mode cares. `unknown`: Twilio could not be asked. */
export type LegState = 'live' | 'connecting' | 'gone' | 'unknown';

const CONNECTING_STATUSES = new Set(['queued', 'initiated', 'ringing']);

/** Call status (queued ringing in-progress completed busy failed no-answer canceled) to LegState. */
export function legStateOf(callStatus: string): LegState {
  if (callStatus === 'in-progress') return 'live';
  if (CONNECTING_STATUSES.has(callStatus)) return 'connecting';
  return 'gone';
}

/** Twilio sends the call's own CallStatus with every webhook; a finished call ignores our answer. */
function callerIsGone(callerStatus: string): boolean {
  return legStateOf(callerStatus) === 'gone';
}

/** What the caller's call does next. */
export type CallerStep =
  /** <Enqueue> into the call's hold queue, with music: the agent's leg is live elsewhere. */
  | 'wait-on-hold'
  /** The agent never answered (busy, no-answer, failed): an apology, then the call ends. */
  | 'agent-unavailable'
  /** The agent hung up: the caller is told, then the call ends (nobody is left alone). */
  | 'agent-left'
  /** Twilio could not put the caller in the queue: an apology, then the call ends. */
  | 'cannot-hold'
  /** The caller is gone, or already runs other TwiML: Twilio ignores the answer. */
  | 'nothing';

export const ASK_AGENT_LEG = 'ask-agent-leg';
export const ASK_CALLER_LEG = 'ask-caller-leg';
export const ASK_HOLD_QUEUE = 'ask-hold-queue';

// --- the caller's <Dial> action (/dial-ended) ------------------------------------------------------

export interface CallerDialEnd {
  /** DialCallStatus: completed busy no-answer failed canceled. */
  dialCallStatus: string;
  /** The caller's own CallStatus. */
  callerStatus: string;
}

/**
 * The caller's <Dial> to the agent ended. Without a bridge (busy, no-answer, failed, canceled) the
 * agent was never reached. After a bridge (completed) the agent either hung up or had its leg
 * redirected by a hold: only the agent leg's state tells which, so the handler must ask.
 * A Dial action requested because the CALLER was redirected or hung up is answered with nothing.
 */
export function readCallerDialEnd(end: CallerDialEnd): CallerStep | typeof ASK_AGENT_LEG {
  if (callerIsGone(end.callerStatus)) return 'nothing';
  if (end.dialCallStatus === 'completed') return ASK_AGENT_LEG;
  return 'agent-unavailable';
}

/**
 * The caller's bridge with the agent ended (its <Dial> or, after a resume, its <Enqueue>) and the
 * caller is still here. A live agent leg means a hold moved it: the caller waits in the hold queue.
 * When Twilio could not tell us (`unknown`), the caller waits too: music and a leg the agent can
 * still resume is better than ending a call we may not end (DESIGN.md: no action of ours
 * disconnects a party); if the agent really is gone, /agent-leg-status tells the waiting caller.
 */
export function callerStepWhenBridgeEnded(agent: LegState): CallerStep {
  switch (agent) {
    case 'live':
    case 'unknown':
    case 'connecting':
      return 'wait-on-hold';
    case 'gone':
      return 'agent-left';
  }
}

// --- the caller's <Enqueue> action (/hold-queue-ended) ---------------------------------------------

export interface HoldQueueEnd {
  /** QueueResult: bridged bridging-in-process error hangup leave redirected redirected-from-bridged queue-full system-error. */
  queueResult: string;
  callerStatus: string;
}

export interface HoldQueueOutcome {
  caller: CallerStep;
  /** Tell the agent's leg that the caller is gone and hang it up (it is looping on hold). */
  releaseAgent: boolean;
  /**
   * Delete the hold queue: the caller left it and will not come back. Not when the caller is about
   * to wait in it again: <Enqueue name> reuses (or recreates) the queue by name either way, and an
   * agent leg already running <Dial><Queue> may be waiting on that very queue.
   */
  deleteQueue: boolean;
}

const QUEUE_FAILURES = new Set(['error', 'system-error', 'queue-full']);

/**
 * The caller's <Enqueue> in the hold queue ended. Twilio requests this action on every way out of
 * the queue (docs/twilio-voice-semantics.md, "Queues"), which makes it the place that cleans up.
 */
export function readHoldQueueEnd(end: HoldQueueEnd): HoldQueueOutcome | typeof ASK_AGENT_LEG {
  // The caller hung up while held (hangup), or while bridged after a resume (bridged, with the
  // call completed). A held agent loops forever unless told; a bridged agent's own <Dial> action
  // would release it too, and telling it twice is harmless.
  if (end.queueResult === 'hangup' || callerIsGone(end.callerStatus)) {
    return { caller: 'nothing', releaseAgent: true, deleteQueue: true };
  }
  // The caller was redirected out of the queue (e.g. /agent-leg-status telling it the agent left):
  // only the new TwiML runs.
  if (end.queueResult === 'redirected' || end.queueResult === 'redirected-from-bridged') {
    return { caller: 'nothing', releaseAgent: false, deleteQueue: true };
  }
  if (QUEUE_FAILURES.has(end.queueResult)) {
    return { caller: 'cannot-hold', releaseAgent: true, deleteQueue: true };
  }
  // bridged (the agent left the bridge: hung up, or was moved by a hold), bridging-in-process,
  // leave, or a value Twilio may add later: what comes next depends on the agent's leg.
  return ASK_AGENT_LEG;
}

export function holdQueueOutcomeWhenBridgeEnded(agent: LegState): HoldQueueOutcome {
  const caller = callerStepWhenBridgeEnded(agent);
  return { caller, releaseAgent: false, deleteQueue: caller !== 'wait-on-hold' };
}

// --- the agent's leg -------------------------------------------------------------------------------

/** What the agent's leg does next. */
export type AgentStep =
  /** The keep-alive loop: "your caller is on hold", then silence, never running out of TwiML. */
  | 'hold-loop'
  /** The caller hung up: the agent is told, then its leg ends. */
  | 'caller-left'
  /** The agent's leg is gone or already runs other TwiML. */
  | 'nothing';

export interface AgentDialEnd {
  /** The agent leg's own CallStatus. */
  agentStatus: string;
}

/**
 * The agent's <Dial><Queue> (a resume) ended. If the agent was redirected (a new hold) or hung up,
 * Twilio ignores the answer. Otherwise the caller left the bridge, or never came: only the caller
 * leg's state tells whether it hung up.
 */
export function readAgentDialEnd(end: AgentDialEnd): AgentStep | typeof ASK_CALLER_LEG {
  if (legStateOf(end.agentStatus) === 'gone') return 'nothing';
  return ASK_CALLER_LEG;
}

/**
 * A live caller whose bridge ended is on its way back into the hold queue (its <Enqueue> action
 * decides that), so the agent goes back to the keep-alive loop and can resume again. Only a caller
 * that is gone ends the agent's leg; `unknown` keeps the agent on the line, who can hang up.
 */
export function agentStepWhenQueueDialEnded(caller: LegState): AgentStep {
  switch (caller) {
    case 'gone':
      return 'caller-left';
    case 'live':
    case 'connecting':
    case 'unknown':
      return 'hold-loop';
  }
}

/**
 * The agent leg's status callback (/agent-leg-status). Busy, no-answer, failed: the caller's own
 * <Dial> action apologises. Completed: if the caller is bridged, its <Dial> or <Enqueue> action
 * notices; only a caller WAITING in the hold queue hears nothing and must be told, so ask.
 */
export function readAgentLegStatus(agentStatus: string): 'nothing' | typeof ASK_HOLD_QUEUE {
  return agentStatus === 'completed' ? ASK_HOLD_QUEUE : 'nothing';
}

export function callerStepWhenAgentLegEnded(callerWaitingOnHold: boolean): CallerStep {
  // Redirecting the caller here is safe: a caller waiting in a queue is nobody's parent.
  return callerWaitingOnHold ? 'agent-left' : 'nothing';
}

// --- the hold/unhold API ---------------------------------------------------------------------------

export interface ChildLeg {
  sid: string;
  status: string;
}

export type AgentLegLookup =
  | { kind: 'live'; sid: string }
  | { kind: 'connecting' }
  | { kind: 'none' };

/**
 * The agent's leg among the caller's children (GET /Calls.json?ParentCallSid=caller). The caller
 * dials the agent once, so there is at most one; a <Dial><Queue> after a resume bridges the
 * existing legs and creates no new child.
 */
export function agentLegAmong(children: ChildLeg[]): AgentLegLookup {
  const live = children.find((child) => legStateOf(child.status) === 'live');
  if (live) return { kind: 'live', sid: live.sid };
  if (children.some((child) => legStateOf(child.status) === 'connecting')) return { kind: 'connecting' };
  return { kind: 'none' };
}

/**
 * Whether the agent's leg must be moved. Hold always moves it: redirecting a held agent into the
 * keep-alive loop again is harmless (the caller, waiting in the queue, is not touched). Resume moves
 * it only when the caller is waiting in the hold queue; otherwise the call is live and a resume is
 * a true no-op. `undefined`: not known (the API was given the AgentCallSid and made no read), so
 * resume moves the agent, which on a live call costs a re-bridge but never drops anyone.
 */
export function agentLegMustMove(hold: boolean, callerWaitingOnHold: boolean | undefined): boolean {
  if (hold) return true;
  return callerWaitingOnHold !== false;
}

// Dial mode hold and resume through the REST API. Every move is ONE update of ONE leg with inline
// TwiML (twiml.ts), so it takes effect without any request to our functions:
// - hold moves the AGENT's leg into the agent queue. Whatever the caller was doing (its first
//   <Dial>, or dialling the agent queue after a resume), its <Dial> ends and it goes on with its
//   next verb, the caller queue. Hold never touches the caller: during its first <Dial> the caller
//   is the PARENT, and redirecting a parent hangs up its child (docs/twilio-voice-semantics.md).
// - resume moves the CALLER's leg, which waits in its queue and is nobody's parent then, to dial
//   the agent queue, where the agent waits.
// Either one's effect is final whatever the other did before it, so concurrent holds and resumes
// end in the state of the LAST update Twilio accepted; one call's requests run one at a time in
// this process (oneAtATime, as in conference mode), so its answers are given in that order too
// (docs/reliability.md, "Concurrent hold and unhold"). An update with no answer in time is a 504 with the
// state read back when there is time for one read (readDialHeld).
//
// REST requests (docs/reliability.md has the table):
// - with AgentHandle (from an earlier answer): hold 1, resume 1 (the update).
// - without: hold 2 (find the agent leg by ParentCallSid, the update); resume 3 (that lookup, one
//   read of the queues, the update) or 2 when nothing moves. AgentCallSid alone is checked against
//   the same lookup: it saves nothing, and a wrong one is a 404 that moves nothing.
// twilio-rule: child-redirect-ends-dial, queued-agent-redirect-ends-dial-queue (what a hold after a resume rests on)
import type { Twilio } from 'twilio';
import { legStateOf, resumeStep } from './decisions';
import { fetchLegState, findAgentLeg } from './legs';
import { signAgentHandle, verifyAgentHandle } from './agent-handle';
import { agentWaitsOnHold, callerTakesAgentBack } from './twiml';
import type { DialModeUrls } from './urls';
import { badInput, conflict, isFailure, notFound } from '../platform/failure';
import { oneAtATime } from '../platform/one-at-a-time';
import { agentQueueName, callerQueueName, readHoldQueues } from './hold-queue';
import { callTwilio, DEFAULT_RETRY_POLICY, withStateReadBack, type RetryPolicy } from '../platform/twilio-request';

export interface DialHoldCommand {
  /** The CALLER's CallSid: it names the call. */
  callSid: string;
  /** The agent's leg, when the API user knows it: checked, never trusted. */
  agentCallSid?: string;
  /** A handle from an earlier answer: proves the agent leg, so nothing is read. */
  agentHandle?: string;
}

/** The answer's fields besides callSid and mode (docs/hold-api.md). */
export interface DialHoldResult {
  held: boolean;
  /**
   * ISO 8601 (ms): just before the update was sent (before its first attempt), or for a resume that
   * moves nothing, before the queues were read: the state was made or seen after this.
   */
  appliedAfter: string;
  /**
   * ISO 8601 (ms): right after Twilio accepted the update, or for a resume that moves nothing, when
   * the queues' read returned (docs/hold-api.md, "Ordering answers").
   */
  appliedAt: string;
  agentCallSid?: string;
  /** Only once the caller's first <Dial> is over, which is what makes a 1-request resume safe. */
  agentHandle?: string;
}

export interface DialSettings {
  urls: DialModeUrls;
  /** HOLD_API_TOKEN: the key of the agent handle. */
  token: string;
  policy?: RetryPolicy;
}

export function holdDialCall(client: Twilio, command: DialHoldCommand, settings: DialSettings): Promise<DialHoldResult> {
  return oneAtATime(command.callSid, () => hold(client, command, settings));
}

export function resumeDialCall(client: Twilio, command: DialHoldCommand, settings: DialSettings): Promise<DialHoldResult> {
  return oneAtATime(command.callSid, () => resume(client, command, settings));
}

async function hold(client: Twilio, command: DialHoldCommand, settings: DialSettings): Promise<DialHoldResult> {
  const policy = settings.policy ?? DEFAULT_RETRY_POLICY;
  const agentCallSid = await provenAgentLeg(client, command, settings.token, policy);
  const twiml = agentWaitsOnHold({
    queueName: agentQueueName(command.callSid),
    waitUrl: settings.urls.agentHoldLoop(command.callSid),
    rejoinUrl: settings.urls.agentRejoinHold(command.callSid),
  });
  // Holding a held call moves the agent into its queue again: the agent hears "your caller is on
  // hold" once more; the caller, waiting in its own queue, is not touched.
  const appliedAfter = now();
  await moveLeg(client, command.callSid, agentCallSid, 'agent', twiml.toString(), policy);
  return {
    held: true,
    appliedAfter,
    appliedAt: now(),
    agentCallSid,
    agentHandle: signAgentHandle(settings.token, command.callSid, agentCallSid),
  };
}

async function resume(client: Twilio, command: DialHoldCommand, settings: DialSettings): Promise<DialHoldResult> {
  const policy = settings.policy ?? DEFAULT_RETRY_POLICY;
  const { callSid } = command;
  const twiml = callerTakesAgentBack(agentQueueName(callSid), {
    queueName: callerQueueName(callSid),
    waitUrl: settings.urls.holdMusic,
    waitUrlMethod: settings.urls.holdMusicMethod,
    actionUrl: settings.urls.holdQueueEnded,
  }).toString();
  if (command.agentHandle !== undefined) {
    // A handle is only issued after a hold, so the caller's first <Dial> is over and its leg may
    // be moved without reading anything. On a live call this re-bridges the two (docs/reliability.md).
    const agentCallSid = provenByHandle(command, settings.token);
    const appliedAfter = now();
    await moveLeg(client, callSid, callSid, 'caller', twiml, policy);
    return { held: false, appliedAfter, appliedAt: now(), agentCallSid, agentHandle: command.agentHandle };
  }
  const agentCallSid = await provenAgentLeg(client, command, settings.token, policy);
  const handle = signAgentHandle(settings.token, callSid, agentCallSid);
  // An answer whose state comes from this read (nothing moved) is ordered by the read's window.
  const readAfter = now();
  const queues = await readHoldQueues(client, callSid, policy);
  const readAt = now();
  switch (resumeStep(queues)) {
    case 'never-held':
      return { held: false, appliedAfter: readAfter, appliedAt: readAt, agentCallSid };
    case 'already-live':
      return { held: false, appliedAfter: readAfter, appliedAt: readAt, agentCallSid, agentHandle: handle };
    case 'agent-not-waiting':
      throw conflict(`call ${callSid} is between hold and resume (the agent is not waiting on hold); try again`);
    case 'bridge': {
      const appliedAfter = now();
      await moveLeg(client, callSid, callSid, 'caller', twiml, policy);
      return { held: false, appliedAfter, appliedAt: now(), agentCallSid, agentHandle: handle };
    }
  }
}

const now = (): string => new Date().toISOString();

function provenByHandle(command: DialHoldCommand, token: string): string {
  const agentCallSid = verifyAgentHandle(token, command.callSid, command.agentHandle!);
  if (command.agentCallSid !== undefined && command.agentCallSid !== agentCallSid) {
    throw badInput('AgentCallSid and AgentHandle name different agent legs');
  }
  return agentCallSid;
}

/**
 * The agent leg of the caller's call, proven before anything moves: by a handle (no request), or
 * by the caller's own children (one request). An AgentCallSid that is not that child is a 404 that
 * touches no call.
 */
async function provenAgentLeg(client: Twilio, command: DialHoldCommand, token: string, policy: RetryPolicy): Promise<string> {
  if (command.agentHandle !== undefined) return provenByHandle(command, token);
  if (command.agentCallSid === command.callSid) {
    // The one mistake that would drop the agent: moving the caller's own leg while it is bridged.
    throw badInput("AgentCallSid must be the agent's leg, not the caller's CallSid");
  }
  const agent = await findAgentLeg(client, command.callSid, policy);
  if (agent.kind === 'none') throw notFound(`no live call ${command.callSid} with an agent leg`);
  if (command.agentCallSid !== undefined && command.agentCallSid !== agent.sid) {
    throw notFound(`${command.agentCallSid} is not the agent leg of call ${command.callSid}`);
  }
  // Never rely on redirecting a <Dial> child that still rings (Twilio documents such a call as
  // in progress; what it would do with new TwiML is not documented): 409, nothing moves.
  if (agent.kind === 'connecting') throw conflict(`call ${command.callSid} is not connected to the agent yet`);
  return agent.sid;
}

async function moveLeg(
  client: Twilio,
  callerCallSid: string,
  legSid: string,
  leg: 'agent' | 'caller',
  twiml: string,
  policy: RetryPolicy,
): Promise<void> {
  const what = leg === 'agent' ? "hold the call (move the agent's leg)" : "resume the call (move the caller's leg)";
  let status: string;
  try {
    const call = await callTwilio(what, () => client.calls(legSid).update({ twiml }), policy);
    status = call.status;
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      throw notFound(`no live ${leg} leg ${legSid} on call ${callerCallSid}`, error.twilio);
    }
    if (isFailure(error) && error.kind === 'outcome-unknown')
      throw await withStateReadBack(error, callerCallSid, () => readDialHeld(client, callerCallSid, policy));
    // 21220 "Call is not in-progress": the leg has ended (404) or has not begun (409). Only this
    // failure path costs the extra read; the successful path stays one request.
    if (isFailure(error) && error.kind === 'conflict') {
      // If that read fails too, its own failure (a 502 with Twilio's answer) is the answer.
      const state = await fetchLegState(client, legSid, policy);
      if (state === 'gone') throw notFound(`the ${leg} leg ${legSid} of call ${callerCallSid} has ended`, error.twilio);
      throw conflict(`call ${callerCallSid} is not connected to the agent yet`, error.twilio);
    }
    throw error;
  }
  if (legStateOf(status) === 'connecting') throw conflict(`call ${callerCallSid} is not connected to the agent yet`);
}

/**
 * The hold state of a dial-mode call as Twilio shows it now, for an answer whose outcome is unknown
 * (a 504 with "held" read back, docs/hold-api.md): held when the caller waits in its queue. One request;
 * undefined when it cannot be read either.
 */
export async function readDialHeld(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<boolean | undefined> {
  try {
    return (await readHoldQueues(client, callerCallSid, policy)).callerWaiting;
  } catch {
    return undefined;
  }
}

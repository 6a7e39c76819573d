// Dial mode hold and resume through the REST API. Both move the AGENT's leg and never the
// caller's: the caller's leg is the parent of the <Dial> bridge, and redirecting a parent hangs up
// its child, the agent (docs/twilio-voice-semantics.md, "Calls bridged with <Dial>"). When the agent's
// leg leaves the bridge, the caller's own action handler puts the caller in the hold queue
// (caller-webhooks.ts), so one request to the agent's leg is the whole hold.
//
// REST requests: hold = 1 with AgentCallSid, 2 without (find the agent's leg by ParentCallSid).
// Resume = 1 with AgentCallSid, 3 without (the lookup, then one read of the hold queue that makes
// resuming a live call a true no-op: 2 requests and nothing moves).
import type { Twilio } from 'twilio';
import { agentLegMustMove, legStateOf } from './decisions';
import { fetchLegState, findAgentLeg } from './legs';
import { agentTakesCallerBack } from './twiml';
import type { DialModeUrls } from './urls';
import { badInput, conflict, isFailure, notFound } from '../platform/failure';
import { callerIsWaitingOnHold, holdQueueName } from './hold-queue';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';

export interface DialHoldCommand {
  /** The CALLER's CallSid: it names the call. */
  callSid: string;
  /** The agent's leg, when the API user knows it: saves the lookup. */
  agentCallSid?: string;
}

export async function holdDialCall(
  client: Twilio,
  command: DialHoldCommand,
  urls: DialModeUrls,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<{ held: true }> {
  const agentCallSid = await agentLegOf(client, command, policy);
  // Holding a held call moves the agent's leg into the keep-alive loop again: the agent hears
  // "your caller is on hold" once more, the caller (waiting in the queue) is not touched.
  await moveAgentLeg(client, command.callSid, agentCallSid, { url: urls.agentHoldLoop(false), method: 'POST' }, 'hold', policy);
  return { held: true };
}

/**
 * Without AgentCallSid the hold queue is read first, and a caller that is not waiting in it is
 * live: nothing moves. With AgentCallSid there is no read (one request), so resuming a live call
 * moves the agent's leg into <Dial><Queue> anyway: the bridge ends, the caller's action puts it in
 * the queue, and the agent takes it straight back out. Nobody is dropped, but the caller hears
 * the hold music for about a second (a re-bridge). See docs/dial-mode.md.
 */
export async function resumeDialCall(
  client: Twilio,
  command: DialHoldCommand,
  urls: DialModeUrls,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<{ held: false }> {
  const agentCallSid = await agentLegOf(client, command, policy);
  const callerWaiting =
    command.agentCallSid === undefined ? await callerIsWaitingOnHold(client, command.callSid, policy) : undefined;
  if (!agentLegMustMove(false, callerWaiting)) return { held: false };
  const twiml = agentTakesCallerBack({
    queueName: holdQueueName(command.callSid),
    actionUrl: urls.agentDialEnded(command.callSid),
    dequeuedUrl: urls.holdQueueDequeued,
  });
  await moveAgentLeg(client, command.callSid, agentCallSid, { twiml: twiml.toString() }, 'resume', policy);
  return { held: false };
}

async function agentLegOf(client: Twilio, command: DialHoldCommand, policy: RetryPolicy): Promise<string> {
  if (command.agentCallSid !== undefined) {
    // The one mistake that would drop the agent: moving the caller's own leg while it is bridged.
    if (command.agentCallSid === command.callSid) {
      throw badInput("AgentCallSid must be the agent's leg, not the caller's CallSid");
    }
    return command.agentCallSid;
  }
  const agent = await findAgentLeg(client, command.callSid, policy);
  if (agent.kind === 'connecting') throw conflict(`call ${command.callSid} is not connected to the agent yet`);
  if (agent.kind === 'none') throw notFound(`no live call ${command.callSid} with an agent leg`);
  return agent.sid;
}

type AgentLegUpdate = { url: string; method: 'POST' } | { twiml: string };

async function moveAgentLeg(
  client: Twilio,
  callerCallSid: string,
  agentCallSid: string,
  update: AgentLegUpdate,
  what: 'hold' | 'resume',
  policy: RetryPolicy,
): Promise<void> {
  let status: string;
  try {
    const call = await callTwilio(`${what} the call (move the agent's leg)`, () => client.calls(agentCallSid).update(update), policy);
    status = call.status;
  } catch (error) {
    if (isFailure(error) && error.kind === 'not-found') {
      throw notFound(`no live agent leg ${agentCallSid} on call ${callerCallSid}`, error.twilio);
    }
    // 21220 "Call is not in-progress": the leg is still ringing (409) or has ended (404). Only
    // this failure path costs the extra read; the successful path stays one request.
    if (isFailure(error) && error.kind === 'conflict') {
      // If that read fails too, its own failure (a 502 with Twilio's answer) is the answer.
      const state = await fetchLegState(client, agentCallSid, policy);
      if (state === 'gone') throw notFound(`the agent leg ${agentCallSid} of call ${callerCallSid} has ended`, error.twilio);
      throw conflict(`call ${callerCallSid} is not connected to the agent yet`, error.twilio);
    }
    throw error;
  }
  // Twilio may accept new TwiML for a leg that has not answered yet; it is not bridged, so there
  // is nothing to hold or resume (the same 409 as when the agent is found ringing).
  if (legStateOf(status) === 'connecting') throw conflict(`call ${callerCallSid} is not connected to the agent yet`);
}

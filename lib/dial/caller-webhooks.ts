// Dial mode: the webhooks of the CALLER's call. The caller's leg is never moved by hold or resume;
// these action handlers decide what it does when its bridge with the agent ends.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { sayAndHangUp, emptyTwiml } from '../shared/caller-prompts';
import {
  ASK_AGENT_LEG,
  callerStepWhenBridgeEnded,
  holdQueueOutcomeWhenBridgeEnded,
  readCallerDialEnd,
  readHoldQueueEnd,
} from './decisions';
import { legState } from './legs';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { CALLER_LEFT, callerTwiml, type HoldQueueSettings } from './twiml';
import { dialModeUrls, type DialModeUrls } from './urls';
import { optionalCallSid, optionalQueueSid, requiredCallSid, requiredText } from '../platform/webhook-params';
import { deleteHoldQueue, holdQueueName } from './hold-queue';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { recordDialCallerStep, recordDialResumed } from '../state/dial-events';

function holdQueueSettings(urls: DialModeUrls, callerCallSid: string, agentCallSid: string): HoldQueueSettings {
  return {
    queueName: holdQueueName(callerCallSid),
    waitUrl: urls.holdMusic,
    actionUrl: urls.holdQueueEnded(agentCallSid),
  };
}

/**
 * POST /dial-ended: the caller's <Dial> to the agent ended. After a hold moved the agent's leg,
 * the caller goes into the hold queue; after the agent hung up, the caller is told and the call
 * ends; when the agent never answered, the caller hears an apology. Requested with nothing to do
 * when the caller's own leg was redirected or hung up: the answer is ignored, and there are no
 * side effects here beyond one read of the agent's leg.
 */
export async function handleDialEnded(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallSid');
  const end = { callerStatus: requiredText(event, 'CallStatus'), dialCallStatus: requiredText(event, 'DialCallStatus') };
  const agentCallSid = optionalCallSid(event, 'DialCallSid');
  const first = readCallerDialEnd(end);
  const step =
    first !== ASK_AGENT_LEG
      ? first
      : callerStepWhenBridgeEnded(agentCallSid ? await legState(twilioClient(context), agentCallSid) : 'gone');
  console.log(`dial-ended ${callerCallSid}: Dial ${end.dialCallStatus}, caller ${end.callerStatus} -> ${step}`);
  await recordDialCallerStep(context, callerCallSid, step, end.callerStatus);
  // A step of 'wait-on-hold' implies the agent's leg is known (a missing DialCallSid is 'gone').
  return twimlResponse(callerTwiml(step, holdQueueSettings(dialModeUrls(context), callerCallSid, agentCallSid ?? '')));
}

/**
 * POST /hold-queue-ended?AgentCallSid=...: the caller's <Enqueue> in the hold queue ended, on any
 * way out (Twilio requests it for each). After a resume, a new hold moves the agent out of the
 * bridge and this puts the caller back in the queue: the same rule as the first hold. It is also
 * where a caller hanging up while held releases the agent, and where the queue is deleted.
 */
export async function handleHoldQueueEnded(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallSid');
  const agentCallSid = requiredCallSid(event, 'AgentCallSid');
  const end = { callerStatus: requiredText(event, 'CallStatus'), queueResult: requiredText(event, 'QueueResult') };
  const queueSid = optionalQueueSid(event);
  const client = twilioClient(context);
  const first = readHoldQueueEnd(end);
  const outcome = first !== ASK_AGENT_LEG ? first : holdQueueOutcomeWhenBridgeEnded(await legState(client, agentCallSid));
  // Both side effects are independent; in parallel they stay well inside a webhook's time limit.
  await Promise.all([
    recordDialCallerStep(context, callerCallSid, outcome.caller, end.callerStatus, { queueResult: end.queueResult, queueTime: event.QueueTime }),
    outcome.deleteQueue && queueSid ? deleteHoldQueue(client, queueSid) : undefined,
    outcome.releaseAgent
      ? sendTwimlToLeg(client, agentCallSid, sayAndHangUp(CALLER_LEFT).toString(), 'tell the agent the caller hung up')
      : undefined,
  ]);
  console.log(
    `hold-queue-ended ${callerCallSid}: ${end.queueResult}, caller ${end.callerStatus} -> ${outcome.caller}` +
      `${outcome.releaseAgent ? ', agent released' : ''}${outcome.deleteQueue ? ', queue deleted' : ''}`,
  );
  return twimlResponse(callerTwiml(outcome.caller, holdQueueSettings(dialModeUrls(context), callerCallSid, agentCallSid)));
}

/**
 * POST /hold-queue-dequeued: the <Queue url> of a resume, requested with QueueSid as the agent
 * takes the caller out of the queue. The queue is empty now and unused until the next hold, whose
 * <Enqueue> creates it again, so it is deleted. The caller hears nothing extra before the bridge.
 */
export async function handleHoldQueueDequeued(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const queueSid = optionalQueueSid(event);
  // CallSid is the caller being dequeued (twilio-voice-semantics.md, "Queues": <Queue url>).
  const callerCallSid = optionalCallSid(event, 'CallSid');
  await Promise.all([
    queueSid ? deleteHoldQueue(twilioClient(context), queueSid) : undefined,
    callerCallSid ? recordDialResumed(context, callerCallSid, event.QueueTime) : undefined,
  ]);
  return twimlResponse(emptyTwiml());
}

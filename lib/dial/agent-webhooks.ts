// Dial mode: the webhooks of the AGENT's leg, the one leg that hold and resume move.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { emptyTwiml, sayAndHangUp } from '../shared/caller-prompts';
import {
  ASK_CALLER_LEG,
  ASK_HOLD_QUEUE,
  agentStepWhenQueueDialEnded,
  callerStepWhenAgentLegEnded,
  readAgentDialEnd,
  readAgentLegStatus,
} from './decisions';
import { legState } from './legs';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { AGENT_LEFT, agentHoldLoop, agentTwiml } from './twiml';
import { ANNOUNCED_PARAM, dialModeUrls } from './urls';
import { requiredCallSid, requiredText } from '../platform/webhook-params';
import { isFailure } from '../platform/failure';
import { callerIsWaitingOnHold } from './hold-queue';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { recordDialAgentLeg, recordDialCallerLeft } from '../state/dial-events';

/**
 * GET|POST /agent-hold-loop[?Announced=true]: the agent's keep-alive loop while the caller is
 * held. Pure TwiML, no REST: the agent hears "your caller is on hold" once, then silence.
 */
export function handleAgentHoldLoop(context: HoldContext, event: FunctionEvent): TwilioResponse {
  const announce = event[ANNOUNCED_PARAM] !== 'true';
  return twimlResponse(agentHoldLoop(announce, dialModeUrls(context).agentHoldLoop(true)));
}

/**
 * POST /agent-leg-status?CallerCallSid=...: the final status of the agent's leg. The only case
 * that needs us is an agent hanging up while the caller WAITS in the hold queue: no action of the
 * caller's is requested then, so the caller is told here and its call ends. Redirecting the caller
 * is safe at this point: the agent's leg, the only leg it could drop, has already ended.
 */
export async function handleAgentLegStatus(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  const agentStatus = requiredText(event, 'CallStatus');
  await recordDialAgentLeg(context, callerCallSid, requiredCallSid(event, 'CallSid'), agentStatus);
  if (readAgentLegStatus(agentStatus) === ASK_HOLD_QUEUE) {
    const client = twilioClient(context);
    const waiting = await callerIsWaitingOnHold(client, callerCallSid).catch((error: unknown) => {
      // Unknown: tell the caller anyway. At worst a caller whose own action also noticed hears
      // the goodbye twice; nobody is left on hold forever.
      console.error(`cannot tell whether ${callerCallSid} is held:`, isFailure(error) ? error.message : error);
      return true;
    });
    const step = callerStepWhenAgentLegEnded(waiting);
    if (step === 'agent-left') {
      const outcome = await sendTwimlToLeg(client, callerCallSid, sayAndHangUp(AGENT_LEFT).toString(), 'tell the held caller the agent left');
      console.log(`agent left while ${callerCallSid} was held: ${outcome}`);
    }
  }
  return twimlResponse(emptyTwiml());
}

/**
 * POST /agent-dial-ended?CallerCallSid=...: the agent's <Dial><Queue> (a resume) ended. When the
 * caller hung up, the agent is told and its leg ends; otherwise the agent goes back to the hold
 * loop. Requested with nothing to do when a new hold redirected the agent's leg: Twilio ignores
 * the answer, and there is no side effect here beyond one read of the caller's leg.
 */
export async function handleAgentDialEnded(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  const end = { agentStatus: requiredText(event, 'CallStatus') };
  const first = readAgentDialEnd(end);
  const step = first !== ASK_CALLER_LEG ? first : agentStepWhenQueueDialEnded(await legState(twilioClient(context), callerCallSid));
  console.log(`agent-dial-ended for ${callerCallSid}: Dial ${String(event.DialCallStatus)} -> ${step}`);
  if (step === 'caller-left') await recordDialCallerLeft(context, callerCallSid);
  return twimlResponse(agentTwiml(step, dialModeUrls(context).agentHoldLoop(true)));
}

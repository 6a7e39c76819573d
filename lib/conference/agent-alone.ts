// Conference mode: the agent's waitUrl. The caller joins the conference before the agent's phone
// has even rung, so the agent hears waitUrl only when it answers into a conference that the
// caller never joined (the caller hung up while it rang, or Twilio placed the agent's call after
// our request to add it had timed out). A party left alone is released: after a short grace, in
// case the caller is joining at that very moment, the agent is told and its leg ends.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { CALLER_NOT_THERE, emptyTwiml, sayAndHangUp } from '../shared/caller-prompts';
import { functionUrl } from '../platform/function-url';
import { pause, redirect, twiml } from '../platform/twiml';
import { AGENT_ALONE_PATH } from './call';
import { twimlResponse } from '../platform/responses';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { twilioClient } from '../platform/twilio-client';
import { requiredCallSid } from '../platform/webhook-params';
import type { FunctionEvent, HoldContext } from '../platform/env';

// waitUrl TwiML may only use Play, Say, Pause and Redirect (twilio-voice-semantics.md), so the
// grace is a Pause and the release is a REST redirect of the agent's own leg.
export const ALONE_GRACE_SECONDS = 5;

export async function handleAgentAlone(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const agentCallSid = requiredCallSid(event, 'CallSid');
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  if (event.Waited !== 'true') {
    const waitedUrl = functionUrl(context, AGENT_ALONE_PATH, { CallerCallSid: callerCallSid, Waited: 'true' });
    return twimlResponse(twiml(pause({ length: ALONE_GRACE_SECONDS }), redirect(waitedUrl, { method: 'POST' })));
  }
  const release = sayAndHangUp(CALLER_NOT_THERE).toString();
  const outcome = await sendTwimlToLeg(twilioClient(context), agentCallSid, release, 'release the agent left alone');
  console.log(`agent ${agentCallSid} was alone (caller ${callerCallSid} never joined): ${outcome}`);
  return twimlResponse(emptyTwiml());
}

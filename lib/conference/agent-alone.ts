// Conference mode: the agent's waitUrl. The caller joins the conference before the agent's phone
// has even rung, so the agent hears waitUrl only when it answers into a conference that the
// caller never joined (the caller hung up while it rang, or Twilio placed the agent's call after
// our request to add it had timed out). A party left alone is released: after a short grace, in
// case the caller is joining at that very moment, the agent is told and its leg ends.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { Twilio } from 'twilio';
import { CALLER_NOT_THERE, emptyTwiml, sayAndHangUp } from '../shared/caller-prompts';
import { functionUrl } from '../platform/function-url';
import { pause, redirect, twiml } from '../platform/twiml';
import { AGENT_ALONE_PATH } from './urls';
import { conferencesOfCall } from './conferences';
import { isFailure } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import { twimlResponse } from '../platform/responses';
import { sendTwimlToLeg } from '../shared/leg-twiml';
import { twilioClient } from '../platform/twilio-client';
import { requiredCallSid } from '../platform/webhook-params';
import type { FunctionEvent, HoldContext } from '../platform/env';

// waitUrl TwiML may only use Play, Say, Pause and Redirect (docs/twilio-voice-semantics.md), so the
// grace is a Pause and the release is a REST redirect of the agent's own leg.
export const ALONE_GRACE_SECONDS = 5;

export async function handleAgentAlone(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const agentCallSid = requiredCallSid(event, 'CallSid');
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  if (event.Waited !== 'true') {
    const waitedUrl = functionUrl(context, AGENT_ALONE_PATH, { CallerCallSid: callerCallSid, Waited: 'true' });
    return twimlResponse(twiml(pause({ length: ALONE_GRACE_SECONDS }), redirect(waitedUrl, { method: 'POST' })));
  }
  const client = twilioClient(context);
  if ((await agentMembership(client, callerCallSid, agentCallSid)) === 'stranger') {
    console.error(`agent-alone for ${callerCallSid} named ${agentCallSid}, which is not in that call's conference: nothing done`);
    return twimlResponse(emptyTwiml());
  }
  const release = sayAndHangUp(CALLER_NOT_THERE).toString();
  const outcome = await sendTwimlToLeg(client, agentCallSid, release, 'release the agent left alone');
  console.log(`agent ${agentCallSid} was alone (caller ${callerCallSid} never joined): ${outcome}`);
  return twimlResponse(emptyTwiml());
}

/**
 * Whether the leg to be released is a participant of the caller's conference. The signature already
 * binds the two SIDs (Twilio signs our URL, with CallerCallSid, together with its own CallSid); this
 * read makes sure anyway before a leg is ended, and costs requests only on this rare path: the
 * conferences of that name that are not over (names recur), then the participant in each.
 * A failed read is "unknown": the signed request is then trusted, so that an agent left alone is
 * still released while Twilio's API has trouble.
 */
export async function agentMembership(
  client: Twilio,
  callerCallSid: string,
  agentCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<'member' | 'stranger' | 'unknown'> {
  try {
    const conferences = await conferencesOfCall(client, callerCallSid, "find the caller's conference", policy, { limit: 20 });
    for (const conference of conferences.filter((c) => c.status !== 'completed')) {
      try {
        await callTwilio("check the agent's leg", () => client.conferences(conference.sid).participants(agentCallSid).fetch(), policy);
        return 'member';
      } catch (error) {
        if (!(isFailure(error) && error.kind === 'not-found')) throw error;
      }
    }
    return 'stranger';
  } catch {
    return 'unknown';
  }
}

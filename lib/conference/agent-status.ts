// The agent leg's status callback (conference mode): when the agent was never reached, the
// caller, who is waiting alone in the conference with music, hears an apology and the call ends.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { Twilio } from 'twilio';
import { agentWasUnreachable, apologizeToCaller, screenedAgentMayNotHaveJoined } from './call';
import { conferenceInStage } from './conferences';
import { emptyTwiml } from '../shared/caller-prompts';
import { twimlResponse } from '../platform/responses';
import { twilioClient } from '../platform/twilio-client';
import { DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';
import { requiredCallSid, requiredText } from '../platform/webhook-params';
import type { FunctionEvent, HoldContext } from '../platform/env';
import { recordCallEvent } from '../state/call-events';

export async function handleAgentStatus(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  const callerCallSid = requiredCallSid(event, 'CallerCallSid');
  const callStatus = requiredText(event, 'CallStatus');
  if (agentWasUnreachable(callStatus)) {
    const client = twilioClient(context);
    // The console's record says the agent is gone (a caller who already left has no record).
    const [waiting] = await Promise.all([
      callerWaiting(client, callerCallSid),
      recordCallEvent(context, callerCallSid, { kind: 'agent-gone', at: new Date() }),
    ]);
    if (waiting === 'not-waiting') {
      console.log(`agent ${callStatus} for ${callerCallSid}, who is not waiting alone for an agent: nothing to do`);
      return twimlResponse(emptyTwiml());
    }
    const outcome = await apologizeToCaller(client, callerCallSid);
    console.log(`agent ${callStatus} for ${callerCallSid}: ${outcome}`);
  } else if (event.Screened === 'true' && screenedAgentMayNotHaveJoined(callStatus)) {
    await releaseCallerOfUnscreenedAgent(context, callerCallSid, callStatus);
  }
  return twimlResponse(emptyTwiml());
}

/**
 * A screened agent's leg ended after it was answered. If the caller still waits alone, the agent
 * never pressed the key (a voicemail) or its key could not join it: the caller is told, as when
 * the agent does not answer. One request (the conference read) at the end of every screened call.
 * An unknown read trusts the signed request: the agent left with endConferenceOnExit, so a caller
 * who talked with it is already out of the conference, and a redirect finds its leg gone.
 */
async function releaseCallerOfUnscreenedAgent(context: HoldContext, callerCallSid: string, callStatus: string): Promise<void> {
  const client = twilioClient(context);
  const waiting = await callerWaiting(client, callerCallSid);
  if (waiting === 'not-waiting') return;
  const [outcome] = await Promise.all([
    apologizeToCaller(client, callerCallSid),
    recordCallEvent(context, callerCallSid, { kind: 'agent-gone', at: new Date() }),
  ]);
  console.log(`agent ${callStatus} for ${callerCallSid} without taking the call: ${outcome}`);
}

/**
 * Whether the caller still waits alone for the agent: its conference has not started (`init`: a
 * conference starts only when a second participant joins). The signature binds CallerCallSid to the
 * agent's CallSid already; this read makes sure that a late or repeated callback never ends a call
 * in which somebody is talking. A failed read trusts the signed request, so that a caller is not left
 * on wait music forever while Twilio's API has trouble.
 */
export async function callerWaiting(
  client: Twilio,
  callerCallSid: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<'waiting' | 'not-waiting' | 'unknown'> {
  try {
    const waiting = await conferenceInStage(client, callerCallSid, 'init', 'check that the caller waits for the agent', policy);
    return waiting !== undefined ? 'waiting' : 'not-waiting';
  } catch {
    return 'unknown';
  }
}

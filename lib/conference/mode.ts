// Conference mode as lib/hold-mode.ts's HoldMode, in its parts (each entry point bundles only the
// part it runs): the caller and the agent are participants of the conference named after the
// caller's call; hold and resume are one participant update.
import type { Twilio } from 'twilio';
import type { HoldContext } from '../platform/env';
import { functionUrl } from '../platform/function-url';
import { twilioClient } from '../platform/twilio-client';
import type { RetryPolicy } from '../platform/twilio-request';
import { screeningAcceptUrl, screeningPrompt, screeningWords } from '../shared/agent-screening';
import type { ControlRequest } from '../shared/control-request';
import { conferenceHoldUrl, HOLD_MUSIC_FUNCTION_PATH } from '../shared/hold-music';
import type { AgentRinging, IncomingCall } from '../shared/ringing';
import { agentAddress, agentScreening, callerIdOverride, holdLimitConfig, ringTimeoutSeconds } from '../shared/settings';
import type { LiveCall } from '../state/reconcile';
import { agentJoinsConference, connectCallerToAgent } from './call';
import { enforceLateLimits } from './hold-limit';
import { setConferenceHold, setConferenceHoldWithTimer, type ConferenceHoldResult } from './hold';
import { readLiveConferenceCalls, withCallersNumbers } from './live-calls';
import { AGENT_ALONE_PATH, AGENT_STATUS_PATH, CONFERENCE_STATUS_PATH, agentHoldTimerUrl } from './urls';

/**
 * The agent is added to the caller's conference, and the TwiML puts the caller in it (or, if Twilio
 * will not place the agent's call, an apology: connectCallerToAgent). With screening the agent is
 * called to hear who calls (`from`) and joins itself once it pressed a key (agentAccepted).
 */
async function ringAgent(context: HoldContext, call: IncomingCall, from: string): Promise<AgentRinging> {
  const screening = agentScreening(context, agentAddress(context));
  return connectCallerToAgent(twilioClient(context), call, {
    agent: agentAddress(context),
    callerId: callerIdOverride(context),
    ringTimeoutSeconds: ringTimeoutSeconds(context),
    holdMusicUrl: functionUrl(context, HOLD_MUSIC_FUNCTION_PATH),
    agentStatusUrl: functionUrl(context, AGENT_STATUS_PATH, { CallerCallSid: call.callSid, ...(screening && { Screened: 'true' }) }),
    agentAloneUrl: functionUrl(context, AGENT_ALONE_PATH, { CallerCallSid: call.callSid }),
    conferenceStatusUrl: functionUrl(context, CONFERENCE_STATUS_PATH),
    screenTwiml: screening && screeningPrompt(screeningWords(screening, from), screeningAcceptUrl(context, call.callSid)).toString(),
  });
}

/**
 * Either party, by Participant. Only the caller's hold has a limit: its holdUrl is the music alone,
 * and the agent's participant carries the limit's timer (hold.ts, setConferenceHoldWithTimer).
 */
function setHold(context: HoldContext, request: ControlRequest, hold: boolean): Promise<ConferenceHoldResult> {
  const limit = holdLimitConfig(context);
  // The SIDs learned come back so that the next request can pass them and skip the lookups.
  const command = {
    callSid: request.callSid,
    conferenceSid: request.conferenceSid,
    agentCallSid: request.agentCallSid,
    participant: request.participant,
    hold,
    holdUrl: conferenceHoldUrl(context),
  };
  if (limit && command.participant === 'caller')
    return setConferenceHoldWithTimer(twilioClient(context), {
      ...command,
      participant: 'caller',
      agentTimerUrl: agentHoldTimerUrl(context, request.callSid),
    });
  return setConferenceHold(twilioClient(context), command);
}

const name = 'conference' as const;

export const conferenceRinging = { name, ringAgent };

export const conferenceControl = {
  name,
  hold: (context: HoldContext, request: ControlRequest) => setHold(context, request, true),
  resume: (context: HoldContext, request: ControlRequest) => setHold(context, request, false),
};

export const conferenceScreening = {
  name,
  /**
   * The screened agent pressed a key: its leg joins the caller's conference. The record learns of
   * it from the conference's own participant-join callback (status-callback.ts).
   */
  agentAccepted: (context: HoldContext, callerCallSid: string) => ({
    twiml: agentJoinsConference(
      callerCallSid,
      functionUrl(context, AGENT_ALONE_PATH, { CallerCallSid: callerCallSid }),
      functionUrl(context, CONFERENCE_STATUS_PATH),
    ),
  }),
};

export const conferenceLiveCalls = {
  name,
  readLiveCalls: readLiveConferenceCalls,
  /** The conference reads do not give the caller's number: a call without a record costs one more. */
  withCallersNumbers: (client: Twilio, live: LiveCall[], recorded: Set<string>, policy: RetryPolicy) =>
    withCallersNumbers(client, live, recorded, policy),
  takeLateLimits: enforceLateLimits,
};

// Ringing the agent for a caller in the configured mode: the TwiML that connects the caller (after
// conference mode has added the agent to the caller's conference). Used when a call arrives
// (/incoming-call) and when the first caller in line is connected (lib/line.ts).
import { agentAddress, agentScreening, callerIdOverride, holdModeName, ringTimeoutSeconds } from './shared/settings';
import { screeningAcceptUrl, screeningPrompt, screeningPromptUrl, screeningWords } from './shared/agent-screening';
import { connectCallerToAgent, type AgentRinging, type IncomingCall } from './conference/call';
import { AGENT_ALONE_PATH, AGENT_STATUS_PATH } from './conference/urls';
import { callerDialsAgent } from './dial/twiml';
import { dialModeUrls } from './dial/urls';
import { callerQueueName } from './dial/hold-queue';
import { functionUrl } from './platform/function-url';
import { HOLD_MUSIC_FUNCTION_PATH } from './shared/hold-music';
import { twilioClient } from './platform/twilio-client';
import type { HoldContext } from './platform/env';
import { CONFERENCE_STATUS_PATH } from './conference/urls';

/**
 * Dial mode: the caller's call dials the agent and becomes the parent of the agent's leg.
 * Conference mode: the agent is added to the caller's conference, and the TwiML puts the caller in
 * it (or, if Twilio will not place the agent's call, an apology: connectCallerToAgent).
 * With screening (lib/shared/agent-screening.ts) the agent hears who calls (`from`) and must press
 * a key first, whichever way the caller arrived.
 */
export async function ringAgent(context: HoldContext, call: IncomingCall, from: string): Promise<AgentRinging> {
  const screening = agentScreening(context, agentAddress(context));
  if (holdModeName(context) === 'dial') {
    const urls = dialModeUrls(context);
    const twiml = callerDialsAgent({
      agent: agentAddress(context),
      callerCallSid: call.callSid,
      callerId: callerIdOverride(context),
      ringTimeoutSeconds: ringTimeoutSeconds(context),
      agentStatusUrl: urls.agentLegStatus(call.callSid),
      hold: { queueName: callerQueueName(call.callSid), waitUrl: urls.holdMusic, waitUrlMethod: urls.holdMusicMethod, actionUrl: urls.holdQueueEnded },
      screenUrl: screening && screeningPromptUrl(context, call.callSid, from),
    });
    // Dial mode rings the agent by the caller's own <Dial>: nothing to refuse here.
    return { agentRung: true, twiml };
  }
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

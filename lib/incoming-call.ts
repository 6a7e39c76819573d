// The phone number's Voice webhook: connect the caller to the agent in the configured mode.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { SERVICE_UNAVAILABLE, sayAndHangUp } from './shared/caller-prompts';
import { agentAddress, callerIdOverride, holdMode, ringTimeoutSeconds, type HoldMode } from './platform/config';
import { AGENT_ALONE_PATH, AGENT_STATUS_PATH, connectCallerToAgent, type IncomingCall } from './conference/call';
import { callerDialsAgent } from './dial/twiml';
import { dialModeUrls } from './dial/urls';
import { callerQueueName } from './dial/hold-queue';
import { isFailure } from './platform/failure';
import { functionUrl } from './platform/function-url';
import { HOLD_MUSIC_FUNCTION_PATH } from './shared/hold-music';
import { twimlResponse } from './platform/responses';
import { twilioClient } from './platform/twilio-client';
import { requiredCallSid, requiredText } from './platform/webhook-params';
import type { FunctionEvent, HoldContext } from './platform/env';
import { recordCallArrived } from './state/call-events';
import { CONFERENCE_STATUS_PATH } from './state/conference-events';


export function parseIncomingCall(event: FunctionEvent): IncomingCall {
  return { callSid: requiredCallSid(event, 'CallSid'), calledNumber: requiredText(event, 'To') };
}

/** The call's record for the hold console (lib/state/): written while the call is being connected. */
function recordArrival(context: HoldContext, event: FunctionEvent, call: IncomingCall, mode: HoldMode): Promise<void> {
  return recordCallArrived(context, {
    callSid: call.callSid,
    mode,
    // Twilio sends From with every voice webhook; a withheld number arrives as e.g. "anonymous".
    from: typeof event.From === 'string' ? event.From : '',
    agent: agentAddress(context).value,
    at: new Date(),
  }, ringTimeoutSeconds(context));
}

export async function answerIncomingCall(context: HoldContext, event: FunctionEvent): Promise<TwilioResponse> {
  // Twilio always sends these; a request without them did not come from Twilio (a 400).
  const call = parseIncomingCall(event);
  try {
    const mode = holdMode(context);
    if (mode === 'dial') {
      // Dial mode: the caller's call dials the agent and becomes the parent of the agent's leg.
      const urls = dialModeUrls(context);
      const books = recordArrival(context, event, call, mode);
      const twiml = callerDialsAgent({
        agent: agentAddress(context),
        callerCallSid: call.callSid,
        callerId: callerIdOverride(context),
        ringTimeoutSeconds: ringTimeoutSeconds(context),
        agentStatusUrl: urls.agentLegStatus(call.callSid),
        hold: { queueName: callerQueueName(call.callSid), waitUrl: urls.holdMusic, waitUrlMethod: urls.holdMusicMethod, actionUrl: urls.holdQueueEnded },
      });
      await books;
      return twimlResponse(twiml);
    }
    const [twiml] = await Promise.all([connectCallerToAgent(twilioClient(context), call, {
      agent: agentAddress(context),
      callerId: callerIdOverride(context),
      ringTimeoutSeconds: ringTimeoutSeconds(context),
      holdMusicUrl: functionUrl(context, HOLD_MUSIC_FUNCTION_PATH),
      agentStatusUrl: functionUrl(context, AGENT_STATUS_PATH, { CallerCallSid: call.callSid }),
      agentAloneUrl: functionUrl(context, AGENT_ALONE_PATH, { CallerCallSid: call.callSid }),
      conferenceStatusUrl: functionUrl(context, CONFERENCE_STATUS_PATH),
    }), recordArrival(context, event, call, mode)]);
    return twimlResponse(twiml);
  } catch (error) {
    // Never a 500 with an empty body to Twilio: the caller hears an apology, the log says why.
    console.error(`cannot connect call ${call.callSid}:`, isFailure(error) ? error.message : error);
    return twimlResponse(sayAndHangUp(SERVICE_UNAVAILABLE));
  }
}

// POST /hold and POST /unhold: authenticate, parse, run the mode's hold or resume, answer.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { Twilio } from 'twilio';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken } from './platform/config';
import { holdLimitConfig, holdModeName } from './shared/settings';
import { setConferenceHold } from './conference/hold';
import { parseControlRequest, type ControlRequest } from './shared/control-request';
import { holdDialCall, resumeDialCall, type DialHoldResult } from './dial/hold';
import { dialModeUrls } from './dial/urls';
import { badInput } from './platform/failure';
import { conferenceHoldUrl, holdReminderSettings } from './shared/hold-music';
import { limitedHoldUrl } from './conference/urls';
import { jsonResponse } from './platform/responses';
import { twilioClient } from './platform/twilio-client';
import type { FunctionEvent, HoldContext } from './platform/env';

export type ControlAction = 'hold' | 'unhold';

export async function handleControlRequest(
  context: HoldContext,
  event: FunctionEvent,
  action: ControlAction,
): Promise<TwilioResponse> {
  requireBearerToken(event, holdApiToken(context));
  const request = parseControlRequest(event);
  const mode = holdModeName(context);
  // A held party never hears an error (/hold-music falls back to plain music): a misconfigured
  // reminder is reported here, as a 500 to the API user, in both modes.
  holdReminderSettings(context);
  const limit = holdLimitConfig(context);
  const client = twilioClient(context);
  const hold = action === 'hold';
  if (mode === 'dial') {
    // The SIDs learned (and the agent handle) come back so that the next request costs one update.
    const result = await setDialHold(client, context, request, hold);
    return jsonResponse(200, { callSid: request.callSid, mode, ...result });
  }
  const result = await setConferenceHold(client, {
    callSid: request.callSid,
    conferenceSid: request.conferenceSid,
    agentCallSid: request.agentCallSid,
    participant: request.participant,
    hold,
    holdUrl: limit && request.participant === 'caller' ? limitedHoldUrl(context, request.callSid) : conferenceHoldUrl(context),
  });
  // The SIDs learned come back so that the next request can pass them and skip the lookups.
  return jsonResponse(200, { callSid: request.callSid, mode, ...result });
}

/**
 * Dial mode always holds the CALLER (the party on music) by moving the agent's leg. ConferenceSid
 * has no meaning here and is ignored; asking to hold the agent is refused rather than silently
 * holding the caller instead.
 */
function setDialHold(client: Twilio, context: HoldContext, request: ControlRequest, hold: boolean): Promise<DialHoldResult> {
  if (request.participant === 'agent') {
    throw badInput('Participant=agent is a conference-mode option: dial mode only holds the caller');
  }
  const command = { callSid: request.callSid, agentCallSid: request.agentCallSid, agentHandle: request.agentHandle };
  const settings = { urls: dialModeUrls(context), token: holdApiToken(context) };
  return hold ? holdDialCall(client, command, settings) : resumeDialCall(client, command, settings);
}

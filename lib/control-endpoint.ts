// POST /hold and POST /unhold: authenticate, parse, run the mode's hold or resume, answer.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { requireBearerToken } from './bearer-auth';
import { holdApiToken, holdMode } from './config';
import { setConferenceHold } from './conference-hold';
import { parseControlRequest } from './control-request';
import { functionUrl } from './function-url';
import { HOLD_MUSIC_FUNCTION_PATH } from './hold-music';
import { failureResponse, jsonResponse } from './responses';
import { twilioClient } from './twilio-client';
import type { FunctionEvent, HoldContext } from './env';

export type ControlAction = 'hold' | 'unhold';

export async function handleControlRequest(
  context: HoldContext,
  event: FunctionEvent,
  action: ControlAction,
): Promise<TwilioResponse> {
  try {
    requireBearerToken(event, holdApiToken(context));
    const request = parseControlRequest(event);
    const mode = holdMode(context);
    const client = twilioClient(context);
    const hold = action === 'hold';
    const { held } = await setConferenceHold(client, {
      callSid: request.callSid,
      conferenceSid: request.conferenceSid,
      participant: request.participant,
      hold,
      holdUrl: functionUrl(context, HOLD_MUSIC_FUNCTION_PATH),
    });
    return jsonResponse(200, { callSid: request.callSid, mode, held });
  } catch (error) {
    return failureResponse(error);
  }
}

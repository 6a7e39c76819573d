// POST /hold and POST /unhold: authenticate, parse, run the configured mode's hold or resume, answer.
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import { requireBearerToken } from './platform/bearer-auth';
import { holdApiToken } from './platform/config';
import { jsonResponse } from './platform/responses';
import type { FunctionEvent, HoldContext } from './platform/env';
import { parseControlRequest } from './shared/control-request';
import { holdReminderSettings } from './shared/hold-music';
import { holdLimitConfig } from './shared/settings';
import { holdControlOf } from './hold-mode';

export type ControlAction = 'hold' | 'unhold';

export async function handleControlRequest(context: HoldContext, event: FunctionEvent, action: ControlAction): Promise<TwilioResponse> {
  requireBearerToken(event, holdApiToken(context));
  const request = parseControlRequest(event);
  const mode = holdControlOf(context);
  // A held party never hears an error (/hold-music falls back to plain music): a misconfigured
  // reminder or hold limit is reported here, as a 500 to the API user, in both modes.
  holdReminderSettings(context);
  holdLimitConfig(context);
  const result = action === 'hold' ? await mode.hold(context, request) : await mode.resume(context, request);
  return jsonResponse(200, { callSid: request.callSid, mode: mode.name, ...result });
}

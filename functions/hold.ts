// POST /hold — puts the caller (or, in conference mode, Participant=agent) on hold with music.
// Public URL; requires Authorization: Bearer HOLD_API_TOKEN. See README "The hold/unhold API".
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleControlRequest } from '../lib/control-endpoint';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleControlRequest(context, event, 'hold'));
}

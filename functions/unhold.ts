// POST /unhold — takes the held party off hold. Same API as /hold.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleControlRequest } from '../lib/control-endpoint';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleControlRequest(context, event, 'unhold'));
}

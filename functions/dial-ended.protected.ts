// POST /dial-ended — the caller's <Dial> action (dial mode).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleDialEnded } from '../lib/dial-caller-webhooks';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleDialEnded(context, event));
}

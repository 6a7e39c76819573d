// POST /hold-queue-ended?AgentCallSid=CA... — the caller's <Enqueue> action in its hold queue (dial mode).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleHoldQueueEnded } from '../lib/dial-caller-webhooks';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleHoldQueueEnded(context, event));
}

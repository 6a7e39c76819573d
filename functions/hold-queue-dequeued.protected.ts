// POST /hold-queue-dequeued — the <Queue url> of a resume: deletes the emptied hold queue (dial mode).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleHoldQueueDequeued } from '../lib/dial-caller-webhooks';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleHoldQueueDequeued(context, event));
}

// POST /incoming-call — the phone number's Voice webhook.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { answerIncomingCall } from '../lib/incoming-call';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await answerIncomingCall(context, event));
}

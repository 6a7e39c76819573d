// POST /agent-dial-ended?CallerCallSid=CA... — the agent's <Dial><Queue> action after a resume (dial mode).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleAgentDialEnded } from '../lib/dial-agent-webhooks';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleAgentDialEnded(context, event));
}

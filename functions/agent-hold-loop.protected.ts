// GET|POST /agent-hold-loop[?Announced=true] — the agent's keep-alive loop while the caller is held (dial mode).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleAgentHoldLoop } from '../lib/dial-agent-webhooks';
import type { FunctionEvent, HoldContext } from '../lib/env';

export function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): void {
  callback(null, handleAgentHoldLoop(context, event));
}

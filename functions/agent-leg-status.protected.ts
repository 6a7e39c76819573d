// POST /agent-leg-status?CallerCallSid=CA... — status callback of the agent's dialled leg (dial mode).
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleAgentLegStatus } from '../lib/dial-agent-webhooks';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleAgentLegStatus(context, event));
}

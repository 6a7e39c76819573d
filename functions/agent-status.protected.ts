// POST /agent-status?CallerCallSid=CA... — status callback of the agent's conference leg.
import type { ServerlessCallback } from '@twilio-labs/serverless-runtime-types/types';
import { handleAgentStatus } from '../lib/agent-status';
import type { FunctionEvent, HoldContext } from '../lib/env';

export async function handler(context: HoldContext, event: FunctionEvent, callback: ServerlessCallback): Promise<void> {
  callback(null, await handleAgentStatus(context, event));
}

// POST /agent-leg-status?CallerCallSid=CA... — status callback of the agent's dialled leg (dial mode).
// When the agent's call has ended, the first caller in line is connected (docs/line.md).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentLegStatus } from '../lib/dial/agent-webhooks';
import { connectNextInLine } from '../lib/line';

export const handler = webhookHandler(async (context, event) => {
  const [response] = await Promise.all([handleAgentLegStatus(context, event), connectNextInLine(context, event)]);
  return response;
});

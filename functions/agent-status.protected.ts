// POST /agent-status?CallerCallSid=CA... — status callback of the agent's conference leg. When the
// agent's call has ended, the first caller in line is connected (docs/line.md).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentStatus } from '../lib/conference/agent-status';
import { connectNextInLine } from '../lib/line';

export const handler = webhookHandler(async (context, event) => {
  const [response] = await Promise.all([handleAgentStatus(context, event), connectNextInLine(context, event)]);
  return response;
});

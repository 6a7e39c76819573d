// POST /agent-status?CallerCallSid=CA... — status callback of the agent's conference leg.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentStatus } from '../lib/conference/agent-status';

export const handler = webhookHandler(handleAgentStatus);

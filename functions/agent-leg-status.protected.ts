// POST /agent-leg-status?CallerCallSid=CA... — status callback of the agent's dialled leg (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentLegStatus } from '../lib/dial/agent-webhooks';

export const handler = webhookHandler(handleAgentLegStatus);

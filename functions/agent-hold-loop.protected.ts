// POST /agent-hold-loop[?Announced=true] — the agent's keep-alive loop while the caller is held (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentHoldLoop } from '../lib/dial/agent-webhooks';

export const handler = webhookHandler(handleAgentHoldLoop);

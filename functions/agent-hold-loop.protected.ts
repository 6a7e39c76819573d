// POST /agent-hold-loop?CallerCallSid=CA... — the agent queue's waitUrl while the caller is held (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentHoldLoop } from '../lib/dial/agent-webhooks';

export const handler = webhookHandler(handleAgentHoldLoop);

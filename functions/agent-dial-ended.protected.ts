// POST /agent-dial-ended?CallerCallSid=CA... — the agent's <Dial><Queue> action after a resume (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentDialEnded } from '../lib/dial/agent-webhooks';

export const handler = webhookHandler(handleAgentDialEnded);

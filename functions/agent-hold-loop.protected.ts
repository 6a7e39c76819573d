// GET|POST /agent-hold-loop?CallerCallSid=CA... — the agent queue's waitUrl while the caller is held (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentHoldLoop } from '../lib/dial/agent-webhooks';

export const handler = functionHandler(handleAgentHoldLoop);

// GET|POST /agent-hold-loop[?Announced=true] — the agent's keep-alive loop while the caller is held (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentHoldLoop } from '../lib/dial/agent-webhooks';

export const handler = functionHandler(handleAgentHoldLoop);

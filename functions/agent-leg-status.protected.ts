// POST /agent-leg-status?CallerCallSid=CA... — status callback of the agent's dialled leg (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentLegStatus } from '../lib/dial/agent-webhooks';

export const handler = functionHandler(handleAgentLegStatus);

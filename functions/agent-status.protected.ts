// POST /agent-status?CallerCallSid=CA... — status callback of the agent's conference leg.
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentStatus } from '../lib/conference/agent-status';

export const handler = functionHandler(handleAgentStatus);

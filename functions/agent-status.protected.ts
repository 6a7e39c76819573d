// POST /agent-status?CallerCallSid=CA... — status callback of the agent's conference leg.
import { functionHandler } from '../lib/function-handler';
import { handleAgentStatus } from '../lib/agent-status';

export const handler = functionHandler(handleAgentStatus);

// POST /agent-dial-ended?CallerCallSid=CA... — the agent's <Dial><Queue> action after a resume (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentDialEnded } from '../lib/dial/agent-webhooks';

export const handler = functionHandler(handleAgentDialEnded);

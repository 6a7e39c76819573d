// POST /agent-alone?CallerCallSid=CA... — the agent's conference waitUrl: releases an agent who
// answered into a conference that the caller never joined (conference mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentAlone } from '../lib/conference/agent-alone';

export const handler = functionHandler(handleAgentAlone);

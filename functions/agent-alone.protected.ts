// POST /agent-alone?CallerCallSid=CA... — the agent's conference waitUrl: releases an agent who
// answered into a conference that the caller never joined (conference mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentAlone } from '../lib/conference/agent-alone';

export const handler = webhookHandler(handleAgentAlone);

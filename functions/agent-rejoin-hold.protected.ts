// POST /agent-rejoin-hold?CallerCallSid=CA... — more of the agent's hold TwiML, if it ever runs out (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentRejoinHold } from '../lib/dial/agent-webhooks';

export const handler = webhookHandler(handleAgentRejoinHold);

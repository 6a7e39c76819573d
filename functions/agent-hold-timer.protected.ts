// POST /agent-hold-timer?CallerCallSid=..&HeldFor=.. — conference mode's hold limit: the agent's
// holdUrl while its caller is held with HOLD_MAX_SECONDS. Silence, the warning to the agent, and at
// the limit the resume, agent first (docs/hold-experience.md).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentHoldTimer } from '../lib/conference/hold-limit';

export const handler = webhookHandler(handleAgentHoldTimer);

// POST /agent-screen?CallerCallSid=CA...[&Step=accept] — the agent hears who is calling and presses
// a key to take the call (screening of number and SIP agents, both modes).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleAgentScreen } from '../lib/agent-screen-endpoint';

export const handler = webhookHandler(handleAgentScreen);

// GET/POST /agent-token — a Voice SDK access token for AGENT_NUMBER=client:<identity> (its softphone).
// Public URL; requires Authorization: Bearer HOLD_API_TOKEN. See docs/going-live.md, "A client: agent".
import { functionHandler } from '../lib/platform/function-handler';
import { handleAgentTokenRequest } from '../lib/agent-token-endpoint';

export const handler = functionHandler((context, event) => handleAgentTokenRequest(context, event));

// GET|POST /calls — the live calls (state, SIDs, hold counts and times) for the hold console and
// agent software. Public URL; requires Authorization: Bearer HOLD_API_TOKEN. See docs/console.md.
import { functionHandler } from '../lib/platform/function-handler';
import { handleCallsRequest } from '../lib/calls-endpoint';

export const handler = functionHandler(handleCallsRequest);

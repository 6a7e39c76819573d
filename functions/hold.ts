// POST /hold — puts the caller (or, in conference mode, Participant=agent) on hold with music.
// Public URL; requires Authorization: Bearer HOLD_API_TOKEN. See README "The hold/unhold API".
import { functionHandler } from '../lib/platform/function-handler';
import { handleControlRequest } from '../lib/control-endpoint';

export const handler = functionHandler((context, event) => handleControlRequest(context, event, 'hold'));

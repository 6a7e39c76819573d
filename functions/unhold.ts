// POST /unhold — takes the held party off hold. Same API as /hold.
import { functionHandler } from '../lib/platform/function-handler';
import { handleControlRequest } from '../lib/control-endpoint';

export const handler = functionHandler((context, event) => handleControlRequest(context, event, 'unhold'));

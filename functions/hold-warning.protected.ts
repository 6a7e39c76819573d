// POST /hold-warning?HeldFor=.. — conference mode's announcement to the agent before the hold limit:
// "Your caller has been on hold for about 9 minutes." (docs/hold-experience.md).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { twimlResponse } from '../lib/platform/responses';
import { holdWarningTwiml } from '../lib/conference/hold-warning';

export const handler = webhookHandler((_context, event) => twimlResponse(holdWarningTwiml(event)));

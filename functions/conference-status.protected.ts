// POST /conference-status — the conference's status callback (conference mode): keeps the call's
// record for GET /calls and the hold console (lib/state/).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleConferenceStatus } from '../lib/state/conference-events';

export const handler = webhookHandler(handleConferenceStatus);

// POST /conference-status — the conference's status callback (conference mode): keeps the call's
// record for GET /calls and the hold console (lib/state/).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleConferenceStatus } from '../lib/conference/status-callback';

export const handler = webhookHandler(handleConferenceStatus);

// POST /conference-status — the conference's status callback (conference mode): keeps the call's
// record for GET /calls and the hold console (lib/state/).
import { functionHandler } from '../lib/platform/function-handler';
import { handleConferenceStatus } from '../lib/state/conference-events';

export const handler = functionHandler(handleConferenceStatus);

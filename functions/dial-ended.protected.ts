// POST /dial-ended — the caller's <Dial> action (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleDialEnded } from '../lib/dial/caller-webhooks';

export const handler = functionHandler(handleDialEnded);

// POST /dial-ended — the caller's <Dial> action (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleDialEnded } from '../lib/dial/caller-webhooks';

export const handler = webhookHandler(handleDialEnded);

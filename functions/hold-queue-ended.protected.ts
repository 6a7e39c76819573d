// POST /hold-queue-ended — the caller's <Enqueue> action in its hold queue (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleHoldQueueEnded } from '../lib/dial/caller-webhooks';

export const handler = webhookHandler(handleHoldQueueEnded);

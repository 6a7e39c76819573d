// POST /hold-queue-dequeued — the <Queue url> of a resume: deletes the emptied hold queue (dial mode).
import { webhookHandler } from '../lib/platform/webhook-handler';
import { handleHoldQueueDequeued } from '../lib/dial/caller-webhooks';

export const handler = webhookHandler(handleHoldQueueDequeued);

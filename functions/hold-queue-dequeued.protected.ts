// POST /hold-queue-dequeued — the <Queue url> of a resume: deletes the emptied hold queue (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleHoldQueueDequeued } from '../lib/dial/caller-webhooks';

export const handler = functionHandler(handleHoldQueueDequeued);

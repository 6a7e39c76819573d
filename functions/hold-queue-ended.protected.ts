// POST /hold-queue-ended — the caller's <Enqueue> action in its hold queue (dial mode).
import { functionHandler } from '../lib/platform/function-handler';
import { handleHoldQueueEnded } from '../lib/dial/caller-webhooks';

export const handler = functionHandler(handleHoldQueueEnded);

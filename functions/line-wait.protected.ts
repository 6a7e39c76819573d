// POST /line-wait — the waitUrl of the line of callers waiting for a busy agent (docs/line.md):
// their place in line and their wait between plays of the hold music; a chance to connect the first.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { answerLineWait } from '../lib/line';

export const handler = webhookHandler(answerLineWait);

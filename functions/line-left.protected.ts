// POST /line-left — the <Enqueue action> of the line (docs/line.md): a caller left the line.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { answerLineLeft } from '../lib/line';

export const handler = webhookHandler(answerLineLeft);

// POST /incoming-call — the phone number's Voice webhook.
import { webhookHandler } from '../lib/platform/webhook-handler';
import { answerIncomingCall } from '../lib/incoming-call';

export const handler = webhookHandler(answerIncomingCall);

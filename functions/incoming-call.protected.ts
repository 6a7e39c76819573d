// POST /incoming-call — the phone number's Voice webhook.
import { functionHandler } from '../lib/platform/function-handler';
import { answerIncomingCall } from '../lib/incoming-call';

export const handler = functionHandler(answerIncomingCall);

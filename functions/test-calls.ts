// POST /test-calls — emulator only: place a test call, hang up a caller or an agent (the hold
// console's test controls). On a deployment (no TWILIO_API_BASE_URL) it answers 404. Bearer auth.
import { functionHandler } from '../lib/platform/function-handler';
import { handleTestCallRequest } from '../lib/test-calls-endpoint';

export const handler = functionHandler(handleTestCallRequest);

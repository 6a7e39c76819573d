// Twilio Functions run with a global `Twilio` (the twilio package plus Twilio.Response).
// twilio-run builds it the same way; unit tests that call handlers directly need it too.
import twilio from 'twilio';
import { Response } from '@twilio/runtime-handler/dist/dev-runtime/internal/response';

(globalThis as unknown as { Twilio: unknown }).Twilio = Object.assign({}, twilio, { Response });

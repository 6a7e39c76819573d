import type { Twilio } from 'twilio';
import { optionalHttpUrl } from './config';
import { misconfigured } from './failure';
import type { HoldContext } from './env';

// Each REST request gets at most this long; with the retry budget below it keeps a request
// inside the 10 s a Twilio Function may run.
const REQUEST_TIMEOUT_MS = 5000;

/**
 * The one Twilio REST client factory. Deployed and under twilio-run it is the runtime's own
 * client; with TWILIO_API_BASE_URL set (the local emulator) every request goes there. This project
 * uses two domains, api.twilio.com (calls, conferences, queues) and sync.twilio.com (the call
 * records of lib/state/), so both are moved; the emulator serves both on one origin.
 */
export function twilioClient(context: HoldContext): Twilio {
  let client: Twilio;
  try {
    client = context.getTwilioClient({ timeout: REQUEST_TIMEOUT_MS });
  } catch (error) {
    // twilio-run refuses malformed ACCOUNT_SID / AUTH_TOKEN values here, with a long banner.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw misconfigured(`cannot create the Twilio client: ${reason} (check ACCOUNT_SID and AUTH_TOKEN)`);
  }
  const baseUrl = optionalHttpUrl(context, 'TWILIO_API_BASE_URL');
  if (baseUrl) {
    client.api.baseUrl = baseUrl.replace(/\/+$/, '');
    client.sync.baseUrl = client.api.baseUrl;
  }
  return client;
}

import type { Twilio } from 'twilio';
import { optionalHttpUrl } from './config';
import { misconfigured } from './failure';
import type { HoldContext } from './env';

// Each REST request gets at most this long; with the retry budget below it keeps a request
// inside the 10 s a Twilio Function may run.
const REQUEST_TIMEOUT_MS = 5000;
/**
 * The call records' client (Sync, lib/state/): each request gets at most this long, so that
 * bookkeeping a webhook abandoned at its deadline stops soon after (docs/console.md).
 */
export const RECORDS_REQUEST_TIMEOUT_MS = 1500;

// One client per container, made on the first request that needs one. `context.getTwilioClient()`
// requires the `twilio` package (about 100 ms of CPU and 240 modules: BENCHMARKS.md, "Cold load"),
// so no function loads it at module load, and one that only answers with TwiML never loads it.
// The client is then kept for the next invocations of the same container: its keep-alive sockets
// to the API outlive one invocation, and it is not rebuilt each time. It is kept per account,
// token and API base URL, so a change of any of them makes a new one.
const kept = new Map<number, { key: string; client: Twilio }>();

/**
 * The one Twilio REST client factory. Deployed and under twilio-run it is the runtime's own
 * client; with TWILIO_API_BASE_URL set (the local emulator) every request goes there. This project
 * uses two domains, api.twilio.com (calls, conferences, queues) and sync.twilio.com (the call
 * records of lib/state/), so both are moved; the emulator serves both on one origin.
 */
export function twilioClient(context: HoldContext, timeoutMs = REQUEST_TIMEOUT_MS): Twilio {
  const baseUrl = optionalHttpUrl(context, 'TWILIO_API_BASE_URL')?.replace(/\/+$/, '');
  const key = [context.ACCOUNT_SID, context.AUTH_TOKEN, baseUrl].join('\n');
  const found = kept.get(timeoutMs);
  if (found?.key === key) return found.client;
  let client: Twilio;
  try {
    client = context.getTwilioClient({ timeout: timeoutMs });
  } catch (error) {
    // twilio-run refuses malformed ACCOUNT_SID / AUTH_TOKEN values here, with a long banner.
    const reason = error instanceof Error ? error.message.split('\n')[0] : String(error);
    throw misconfigured(`cannot create the Twilio client: ${reason} (check ACCOUNT_SID and AUTH_TOKEN)`);
  }
  if (baseUrl) {
    client.api.baseUrl = baseUrl;
    client.sync.baseUrl = baseUrl;
  }
  kept.set(timeoutMs, { key, client });
  return client;
}

/** The client of the call records (Sync): the same, with a short per-request timeout. */
export function recordsClient(context: HoldContext): Twilio {
  return twilioClient(context, RECORDS_REQUEST_TIMEOUT_MS);
}

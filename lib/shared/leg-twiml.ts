// Giving a live call leg new TwiML from a webhook, in both modes: telling a party that the other
// has gone, then ending its leg. Every request goes through callTwilio.
import type { Twilio } from 'twilio';
import { isFailure, logFailure } from '../platform/failure';
import { callTwilio, DEFAULT_RETRY_POLICY, type RetryPolicy } from '../platform/twilio-request';

export type Delivery = 'delivered' | 'leg-gone' | 'failed';

/**
 * Gives a leg new TwiML where nobody's answer waits on the outcome (webhooks): a leg that has
 * already ended (404, or 21220 "Call is not in-progress") needs nothing more, and a failure is
 * logged rather than thrown so the webhook still answers its own call with TwiML.
 */
export async function sendTwimlToLeg(
  client: Twilio,
  callSid: string,
  twiml: string,
  what: string,
  policy: RetryPolicy = DEFAULT_RETRY_POLICY,
): Promise<Delivery> {
  try {
    await callTwilio(what, () => client.calls(callSid).update({ twiml }), policy);
    return 'delivered';
  } catch (error) {
    if (isFailure(error) && (error.kind === 'not-found' || error.kind === 'conflict')) return 'leg-gone';
    logFailure(error, { failed: `could not ${what} (${callSid})` });
    return 'failed';
  }
}

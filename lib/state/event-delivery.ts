// Delivery of hold events and call summaries to HOLD_EVENTS_URL: one JSON POST per event, signed
// with X-Hold-Signature, retried a few times within a small budget. It runs inside the callback
// that recorded the event (a Function cannot work after it has answered), never inside /hold or
// /unhold, and it never throws: a receiver that is down costs a log line and at most the budget's
// delay of that callback's answer, never a hold.
import { holdApiToken, optionalHttpUrl } from '../platform/config';
import { isFailure } from '../platform/failure';
import { HOLD_SIGNATURE_HEADER, holdSignature } from '../platform/hold-signature';
import { remainingBudgetMs } from '../platform/twilio-request';
import type { HoldEnv } from '../platform/env';

export interface EventDelivery {
  url: string;
  token: string;
}

export interface DeliveryPolicy {
  /** Attempts per event, the first included. */
  attempts: number;
  /** One attempt's time limit. */
  attemptTimeoutMs: number;
  /** Pause before the 2nd, 3rd, ... attempt. */
  backoffMs: number[];
  /** All the deliveries of one callback end within this (and within the invocation's budget). */
  budgetMs: number;
}

/**
 * 3 attempts within 3 s: a callback's bookkeeping (2 s of Sync) plus this stays well inside
 * Twilio's 10 s Function limit and 15 s webhook timeout.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 3, attemptTimeoutMs: 1000, backoffMs: [100, 400], budgetMs: 3000 };

/** HOLD_EVENTS_URL and the key, or undefined (not set, or misconfigured: logged, never thrown). */
export function eventDelivery(env: HoldEnv): EventDelivery | undefined {
  try {
    const url = optionalHttpUrl(env, 'HOLD_EVENTS_URL');
    if (!url) return undefined;
    return { url, token: holdApiToken(env) };
  } catch (error) {
    console.error(isFailure(error) ? error.message : error, '- hold events are not delivered');
    return undefined;
  }
}

export type DeliveryOutcome = 'delivered' | 'refused' | 'failed';

/** Delivers the payloads in order; resolves with each one's outcome, never rejects. */
export async function deliverHoldEvents(
  delivery: EventDelivery,
  payloads: object[],
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): Promise<DeliveryOutcome[]> {
  const deadline = Date.now() + Math.min(policy.budgetMs, Math.max(0, remainingBudgetMs() - 1000));
  const outcomes: DeliveryOutcome[] = [];
  for (const payload of payloads) outcomes.push(await deliverOne(delivery, JSON.stringify(payload), policy, deadline));
  return outcomes;
}

async function deliverOne(delivery: EventDelivery, body: string, policy: DeliveryPolicy, deadline: number): Promise<DeliveryOutcome> {
  const headers = { 'Content-Type': 'application/json', [HOLD_SIGNATURE_HEADER]: holdSignature(delivery.token, body) };
  let last = 'no attempt within the budget';
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (attempt > 1) {
      const pause = policy.backoffMs[attempt - 2] ?? policy.backoffMs.at(-1) ?? 0;
      if (Date.now() + pause >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    const timeLeft = deadline - Date.now();
    if (timeLeft <= 0) break;
    try {
      const response = await fetch(delivery.url, {
        method: 'POST',
        headers,
        body,
        signal: AbortSignal.timeout(Math.min(policy.attemptTimeoutMs, timeLeft)),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return 'delivered';
      last = `HTTP ${response.status}`;
      // A 4xx other than 429 will not change on a retry: the receiver refused this event.
      if (response.status < 500 && response.status !== 429) {
        console.error(`hold event refused by HOLD_EVENTS_URL: ${last}`);
        return 'refused';
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  console.error(`hold event not delivered to HOLD_EVENTS_URL: ${last}`);
  return 'failed';
}

// Delivery of a call's events to HOLD_EVENTS_URL: one JSON POST per event, signed the Standard
// Webhooks way (https://www.standardwebhooks.com/, with its `standardwebhooks` library) under
// HOLD_EVENTS_SECRET. At least once: an event stays in the record's `undelivered` list until a
// delivery succeeds, and a later bookkeeping step of the same call sends it again with the same
// `webhook-id` (call-events.ts). It never throws, and nobody waits for it past the bookkeeping
// deadline: a receiver that is down costs no call anything (docs/hold-experience.md).
import type { Webhook } from 'standardwebhooks';
import { holdEventsSecret, optionalHttpUrl } from '../platform/config';
import { logFailure } from '../platform/failure';
import type { HoldEnv } from '../platform/env';

export interface EventDelivery {
  url: string;
  /** Signs each delivery; undefined when HOLD_EVENTS_SECRET is missing or malformed (nothing is sent). */
  webhook?: Webhook;
}

/**
 * The library is loaded on the first delivery, not at module load: a cold Function loads no npm
 * package it may not need (tests/unit/built-functions.test.ts).
 */
function signer(secret: string): Webhook {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- loaded on the first delivery, not at a webhook's cold start
  const { Webhook: StandardWebhook } = require('standardwebhooks') as typeof import('standardwebhooks');
  return new StandardWebhook(secret);
}

export interface DeliveryPolicy {
  /** Attempts per event and step, the first included. */
  attempts: number;
  /** One attempt's time limit. */
  attemptTimeoutMs: number;
  /** Pause before the 2nd, 3rd, ... attempt. */
  backoffMs: number[];
  /** No attempt starts later than this after the deliveries began. */
  budgetMs: number;
}

/**
 * 2 attempts of at most 1 s each, no attempt started after 2 s: what a webhook abandoned at its
 * bookkeeping deadline still does stays far inside Twilio's 10 s Function limit.
 */
export const DEFAULT_DELIVERY_POLICY: DeliveryPolicy = { attempts: 2, attemptTimeoutMs: 1000, backoffMs: [100], budgetMs: 2000 };

/**
 * HOLD_EVENTS_URL and its signer; undefined when HOLD_EVENTS_URL is not set or is not a URL
 * (logged). A URL without a valid HOLD_EVENTS_SECRET keeps the events on the record, undelivered.
 */
export function eventDelivery(env: HoldEnv): EventDelivery | undefined {
  let url: string | undefined;
  try {
    url = optionalHttpUrl(env, 'HOLD_EVENTS_URL');
  } catch (error) {
    logFailure(error, { instead: 'hold events are not delivered' });
    return undefined;
  }
  if (!url) return undefined;
  try {
    return { url, webhook: signer(holdEventsSecret(env)) };
  } catch (error) {
    logFailure(error, { instead: "hold events stay on the call's record, undelivered" });
    return { url };
  }
}

export type DeliveryOutcome = 'delivered' | 'refused' | 'failed';

/** The headers of one delivery: a new timestamp each attempt, the event's own id always. */
export function signedHeaders(webhook: Webhook, id: string, body: string, now: Date = new Date()): Record<string, string> {
  return {
    'Content-Type': 'application/json',
    'webhook-id': id,
    'webhook-timestamp': String(Math.floor(now.getTime() / 1000)),
    'webhook-signature': webhook.sign(id, now, body),
  };
}

/** Delivers the events in order; resolves with each one's outcome, never rejects. */
export async function deliverEvents(
  delivery: EventDelivery,
  events: { id: string }[],
  policy: DeliveryPolicy = DEFAULT_DELIVERY_POLICY,
): Promise<DeliveryOutcome[]> {
  const { webhook } = delivery;
  if (!webhook) return events.map(() => 'failed');
  const deadline = Date.now() + policy.budgetMs;
  const outcomes: DeliveryOutcome[] = [];
  for (const event of events) outcomes.push(await deliverOne(delivery.url, webhook, event.id, JSON.stringify(event), policy, deadline));
  return outcomes;
}

async function deliverOne(
  url: string,
  webhook: Webhook,
  id: string,
  body: string,
  policy: DeliveryPolicy,
  deadline: number,
): Promise<DeliveryOutcome> {
  let last = 'no attempt within the budget';
  for (let attempt = 1; attempt <= policy.attempts; attempt += 1) {
    if (attempt > 1) {
      const pause = policy.backoffMs[attempt - 2] ?? policy.backoffMs.at(-1) ?? 0;
      if (Date.now() + pause >= deadline) break;
      await new Promise((resolve) => setTimeout(resolve, pause));
    }
    if (Date.now() >= deadline) break;
    try {
      const response = await fetch(url, {
        method: 'POST',
        headers: signedHeaders(webhook, id, body),
        body,
        signal: AbortSignal.timeout(policy.attemptTimeoutMs),
      });
      await response.arrayBuffer().catch(() => undefined);
      if (response.ok) return 'delivered';
      last = `HTTP ${response.status}`;
      // A 4xx other than 429 will not change on a retry: the receiver refused this event.
      if (response.status < 500 && response.status !== 429) {
        console.error(`hold event ${id} refused by HOLD_EVENTS_URL: ${last}`);
        return 'refused';
      }
    } catch (error) {
      last = error instanceof Error ? error.message : String(error);
    }
  }
  console.error(`hold event ${id} not delivered to HOLD_EVENTS_URL yet: ${last}`);
  return 'failed';
}

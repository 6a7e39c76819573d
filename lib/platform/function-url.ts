import type { HoldContext } from './env';

// Twilio serves functions over https on *.twil.io; twilio-run serves them over plain http on
// localhost. Webhook URLs we hand to Twilio (holdUrl, waitUrl, action, statusCallback) must be
// absolute, so they are built from the deployment's own domain.
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

/**
 * Every parameter our webhook URLs carry in their query. A webhook cannot tell from `event` (which
 * merges query and body) which parameters came in the URL, yet X-Twilio-Signature is computed over
 * the URL with its query and over the body separately: webhook-handler.ts rebuilds the URL from
 * exactly these names. Adding a query parameter to a webhook URL means adding its name here (the
 * type of functionUrl's `query` enforces it).
 */
export const WEBHOOK_QUERY_PARAMS = ['AgentCallSid', 'Announced', 'CallerCallSid', 'Waited'] as const;
export type WebhookQueryParam = (typeof WEBHOOK_QUERY_PARAMS)[number];
export type WebhookQuery = Partial<Record<WebhookQueryParam, string>>;

export function isLocalDomain(domain: string): boolean {
  return LOCAL_HOST.test(domain);
}

/**
 * The absolute URL of one of our functions. The query's parameters are written in sorted order, so
 * that the URL can be rebuilt byte for byte from the parameters alone (see WEBHOOK_QUERY_PARAMS).
 */
export function functionUrl(context: Pick<HoldContext, 'DOMAIN_NAME'>, path: string, query?: WebhookQuery): string {
  const domain = context.DOMAIN_NAME;
  const scheme = isLocalDomain(domain) ? 'http' : 'https';
  const url = new URL(`${scheme}://${domain}${path.startsWith('/') ? path : `/${path}`}`);
  const entries = Object.entries(query ?? {}).filter((entry): entry is [string, string] => entry[1] !== undefined);
  for (const [name, value] of entries.sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0))) url.searchParams.set(name, value);
  return url.toString();
}

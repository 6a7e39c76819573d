import type { FunctionEvent, HoldContext } from './env';

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
export const WEBHOOK_QUERY_PARAMS = ['CallerCallSid', 'CallerNumber', 'HeldFor', 'Screened', 'Step', 'Waited', 'Warned'] as const;
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

// A Host header is a hostname or [IPv6] with an optional port; anything else is ignored.
const HOST = /^([A-Za-z0-9-]+(\.[A-Za-z0-9-]+)*|\[[0-9A-Fa-f:.]+\])(:\d{1,5})?$/;

/** The request's Host header, when it has the shape of one. */
export function requestHost(event: FunctionEvent): string | undefined {
  const host = event.request?.headers?.host;
  return typeof host === 'string' && HOST.test(host) ? host : undefined;
}

/**
 * The context a request's URLs are built from. Under twilio-run DOMAIN_NAME is always
 * localhost:PORT, also behind `--ngrok` (twilio-run opens the tunnel after it configured the dev
 * server), so webhook URLs handed to Twilio would point at localhost. A request that arrived through
 * a public host (the tunnel) builds them on that host, over https. Deployed, DOMAIN_NAME is the
 * service's own domain and the runtime withholds the Host header: nothing changes there.
 */
export function publicContext<C extends Pick<HoldContext, 'DOMAIN_NAME'>>(context: C, event: FunctionEvent): C {
  const host = requestHost(event);
  if (!isLocalDomain(context.DOMAIN_NAME) || !host || isLocalDomain(host)) return context;
  // Object.create, not a spread: twilio-run's context has getters that warn when read.
  return Object.create(context, { DOMAIN_NAME: { value: host, enumerable: true } }) as C;
}

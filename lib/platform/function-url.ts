import type { HoldContext } from './env';

// Twilio serves functions over https on *.twil.io; twilio-run serves them over plain http on
// localhost. Webhook URLs we hand to Twilio (holdUrl, waitUrl, action, statusCallback) must be
// absolute, so they are built from the deployment's own domain.
const LOCAL_HOST = /^(localhost|127\.\d+\.\d+\.\d+|\[::1\])(:\d+)?$/;

export function functionUrl(context: Pick<HoldContext, 'DOMAIN_NAME'>, path: string, query?: Record<string, string>): string {
  const domain = context.DOMAIN_NAME;
  const scheme = LOCAL_HOST.test(domain) ? 'http' : 'https';
  const url = new URL(`${scheme}://${domain}${path.startsWith('/') ? path : `/${path}`}`);
  for (const [name, value] of Object.entries(query ?? {})) url.searchParams.set(name, value);
  return url.toString();
}

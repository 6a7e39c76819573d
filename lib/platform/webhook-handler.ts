// The one wrapper of every function that Twilio calls (functions/*.protected.ts): it checks
// X-Twilio-Signature before anything else runs, wherever the function runs. Deployed, Twilio's
// runtime also refuses unsigned requests to a protected function; under twilio-run (npm start,
// also behind --ngrok) nothing else does. tests/unit/webhook-signature.test.ts proves that every
// functions/*.protected.ts refuses an unsigned request.
import { forbidden, misconfigured } from './failure';
import { functionHandler, type FunctionHandler } from './function-handler';
import { functionUrl, isLocalDomain, requestHost, WEBHOOK_QUERY_PARAMS, type WebhookQuery } from './function-url';
import { signatureMatches } from './twilio-signature';
import type { TwilioResponse } from '@twilio-labs/serverless-runtime-types/types';
import type { FunctionEvent, HoldContext } from './env';

export type WebhookHandler = FunctionHandler & { readonly twilioWebhook: true };

export function webhookHandler(
  run: (context: HoldContext, event: FunctionEvent) => Promise<TwilioResponse> | TwilioResponse,
): WebhookHandler {
  const handler = functionHandler(async (context, event) => {
    requireTwilioSignature(context, event);
    return run(context, event);
  });
  return Object.assign(handler, { twilioWebhook: true as const });
}

/** A webhook's parameters split as Twilio signed them: ours in the URL's query, Twilio's in the body. */
export interface SignedParts {
  query: WebhookQuery;
  body: Record<string, string>;
}

export function splitWebhookParams(event: FunctionEvent): SignedParts | undefined {
  const query: WebhookQuery = {};
  const body: Record<string, string> = {};
  for (const [name, value] of Object.entries(event)) {
    if (name === 'request') continue;
    // Twilio sends form fields: a JSON body or a repeated field cannot be one of its requests.
    if (typeof value !== 'string') return undefined;
    if ((WEBHOOK_QUERY_PARAMS as readonly string[]).includes(name)) query[name as keyof WebhookQuery] = value;
    else body[name] = value;
  }
  return { query, body };
}

/**
 * The URLs Twilio may have signed for this request. Deployed: https://DOMAIN_NAME + PATH (the
 * runtime hides the Host header). Under twilio-run DOMAIN_NAME is always localhost:PORT, even behind
 * --ngrok (twilio-run opens the tunnel after it has configured the runtime; functionHandler then
 * hands the run a context whose DOMAIN_NAME is the tunnel's host, see publicContext), and a local
 * request may name the server otherwise (127.0.0.1:PORT): the Host it was sent to is tried too. The
 * Host adds no trust: a signature still needs the Auth Token, and Twilio signs the URL it requested.
 */
export function signedUrlCandidates(context: HoldContext, event: FunctionEvent, query: WebhookQuery): string[] {
  const path = context.PATH;
  // "The path of this Function" (serverless-runtime-types); functionUrl adds a missing leading slash.
  if (typeof path !== 'string' || path === '') throw misconfigured('the runtime gave no PATH: cannot check X-Twilio-Signature');
  const urls = [functionUrl(context, path, query)];
  const host = requestHost(event);
  if (isLocalDomain(context.DOMAIN_NAME) && host && host !== context.DOMAIN_NAME) {
    urls.push(functionUrl({ DOMAIN_NAME: host }, path, query));
  }
  return urls;
}

export function requireTwilioSignature(context: HoldContext, event: FunctionEvent): void {
  const authToken = context.AUTH_TOKEN;
  if (!authToken) throw misconfigured('AUTH_TOKEN is not set: cannot check X-Twilio-Signature');
  const signature = headerValue(event, 'x-twilio-signature');
  if (!signature) throw forbidden('this webhook only answers Twilio: X-Twilio-Signature is missing');
  const parts = splitWebhookParams(event);
  if (!parts || !signatureMatches(authToken, signature, signedUrlCandidates(context, event, parts.query), parts.body)) {
    throw forbidden('this webhook only answers Twilio: X-Twilio-Signature does not match the request');
  }
}

function headerValue(event: FunctionEvent, name: string): string | undefined {
  const value = event.request?.headers?.[name];
  return typeof value === 'string' ? value : undefined;
}

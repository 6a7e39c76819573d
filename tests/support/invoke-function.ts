// Calls a Twilio Function handler the way the runtime does (context, event, callback) and
// returns what it answered as status, headers and body. A webhook handler (functions/*.protected.ts)
// is called the way Twilio calls it: signed with the context's AUTH_TOKEN (see webhookEvent).
import twilio from 'twilio';
import { signedUrlCandidates, splitWebhookParams } from '../../lib/platform/webhook-handler';
import { twilioSignature } from '../../lib/platform/twilio-signature';
import type { FunctionEvent, HoldContext, HoldEnv } from '../../lib/platform/env';

export interface FunctionReply {
  statusCode: number;
  headers: Record<string, unknown>;
  body: unknown;
}

type Handler = ((
  context: HoldContext,
  event: Record<string, unknown>,
  callback: (error: unknown, payload?: unknown) => void,
) => unknown) & {
  twilioWebhook?: true;
};

export function functionContext(env: HoldEnv, domainName = 'localhost:3000', path = '/webhook'): HoldContext {
  return {
    // Webhooks check X-Twilio-Signature with it; unit tests that do not care get this one.
    AUTH_TOKEN: 'unit-test-auth-token',
    ...env,
    DOMAIN_NAME: domainName,
    PATH: path,
    SERVICE_SID: undefined,
    ENVIRONMENT_SID: undefined,
    getTwilioClient: (options?: object) => twilio(env.ACCOUNT_SID, env.AUTH_TOKEN, options),
  } as HoldContext;
}

/**
 * The event of a request that Twilio signed: X-Twilio-Signature over the function's URL (with our
 * query parameters) and Twilio's form fields, with the context's AUTH_TOKEN.
 */
export function webhookEvent(context: HoldContext, params: Record<string, string>): FunctionEvent {
  const unsigned: FunctionEvent = { ...params, request: { headers: {}, cookies: {} } };
  const parts = splitWebhookParams(unsigned)!;
  const [url] = signedUrlCandidates(context, unsigned, parts.query);
  const signature = twilioSignature(context.AUTH_TOKEN ?? '', url, parts.body);
  return { ...params, request: { headers: { 'x-twilio-signature': signature }, cookies: {} } };
}

/**
 * Invokes a handler. A webhook handler given an event without `request` gets it signed as Twilio
 * would sign it; pass `request` yourself to send it unsigned or forged.
 */
export async function invokeFunction(handler: Handler, context: HoldContext, event: Record<string, unknown>): Promise<FunctionReply> {
  const sent = handler.twilioWebhook && event.request === undefined ? webhookEvent(context, event as Record<string, string>) : event;
  const payload = await new Promise<unknown>((resolve, reject) => {
    const result = handler(context, sent, (error, reply) => (error ? reject(error) : resolve(reply)));
    if (result instanceof Promise) result.catch(reject);
  });
  const serialized = (payload as { serialize?: () => FunctionReply }).serialize?.();
  if (!serialized) throw new Error(`handler answered without a Twilio.Response: ${String(payload)}`);
  const isJson = String(serialized.headers['Content-Type'] ?? '').startsWith('application/json');
  const body = isJson && typeof serialized.body === 'string' ? JSON.parse(serialized.body) : serialized.body;
  return { ...serialized, body };
}

export function bearer(token: string): { request: { headers: { authorization: string }; cookies: object } } {
  return { request: { headers: { authorization: `Bearer ${token}` }, cookies: {} } };
}

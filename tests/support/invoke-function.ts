// Calls a Twilio Function handler the way the runtime does (context, event, callback) and
// returns what it answered as status, headers and body.
import twilio from 'twilio';
import type { HoldContext, HoldEnv } from '../../lib/platform/env';

export interface FunctionReply {
  statusCode: number;
  headers: Record<string, unknown>;
  body: unknown;
}

type Handler = (context: HoldContext, event: Record<string, unknown>, callback: (error: unknown, payload?: unknown) => void) => unknown;

export function functionContext(env: HoldEnv, domainName = 'localhost:3000'): HoldContext {
  return {
    ...env,
    DOMAIN_NAME: domainName,
    PATH: '/',
    SERVICE_SID: undefined,
    ENVIRONMENT_SID: undefined,
    getTwilioClient: (options?: object) => twilio(env.ACCOUNT_SID, env.AUTH_TOKEN, options),
  } as HoldContext;
}

export async function invokeFunction(handler: Handler, context: HoldContext, event: Record<string, unknown>): Promise<FunctionReply> {
  const payload = await new Promise<unknown>((resolve, reject) => {
    const result = handler(context, event, (error, reply) => (error ? reject(error) : resolve(reply)));
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

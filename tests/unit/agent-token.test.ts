// GET/POST /agent-token through the real handler: the Voice SDK token it issues is decoded and its
// signature checked with node:crypto (not with the library that made it), and every refusal is
// checked for its status and for not leaking the API key's secret.
import { createHmac, timingSafeEqual } from 'node:crypto';
import twilio from 'twilio';
import { handler } from '../../functions/agent-token';
import { AGENT_TOKEN_TTL_SECONDS } from '../../lib/platform/voice-access-token';
import { functionContext, invokeFunction } from '../support/invoke-function';
import type { HoldEnv } from '../../lib/platform/env';

const TOKEN = 'a-long-random-control-token-0123456789';
const ACCOUNT = 'AC' + '1'.repeat(32);
const API_KEY = 'SK' + 'a'.repeat(32);
const API_SECRET = 'abcdefghijklmnopqrstuvwxyz012345';
const APP = 'AP' + 'b'.repeat(32);

const CONFIGURED: HoldEnv = {
  ACCOUNT_SID: ACCOUNT,
  AGENT_NUMBER: 'client:alice',
  HOLD_API_TOKEN: TOKEN,
  TWILIO_API_KEY: API_KEY,
  TWILIO_API_SECRET: API_SECRET,
  TWIML_APP_SID: APP,
};

/** `null`: no Authorization header at all. */
function ask(env: HoldEnv, authorization: string | null = `Bearer ${TOKEN}`) {
  const headers = authorization === null ? {} : { authorization };
  return invokeFunction(handler, functionContext(env, 'call-hold-1234-dev.twil.io', '/agent-token'), { request: { headers, cookies: {} } });
}

interface Jwt {
  header: Record<string, unknown>;
  payload: { jti: string; iss: string; sub: string; exp: number; grants: { identity: string; voice: Record<string, unknown> } };
}

function decodeVerified(jwt: string, secret: string): Jwt {
  const [header, payload, signature] = jwt.split('.');
  const expected = createHmac('sha256', secret).update(`${header}.${payload}`).digest();
  const given = Buffer.from(signature, 'base64url');
  if (given.length !== expected.length || !timingSafeEqual(given, expected)) throw new Error('bad signature');
  const part = (text: string): never => JSON.parse(Buffer.from(text, 'base64url').toString('utf8')) as never;
  return { header: part(header), payload: part(payload) };
}

describe('/agent-token', () => {
  it('issues a Voice token for the client: agent, signed with the API key, living one hour', async () => {
    const before = Math.floor(Date.now() / 1000);
    const reply = await ask(CONFIGURED);
    const after = Math.floor(Date.now() / 1000);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['Cache-Control']).toBe('no-store');
    const body = reply.body as { token: string; identity: string; ttlSeconds: number; expiresAt: string };
    expect(body.identity).toBe('alice');
    expect(body.ttlSeconds).toBe(3600);
    expect(AGENT_TOKEN_TTL_SECONDS).toBe(3600);

    const { header, payload } = decodeVerified(body.token, API_SECRET);
    expect(header).toMatchObject({ alg: 'HS256', typ: 'JWT', cty: 'twilio-fpa;v=1' });
    expect(payload.iss).toBe(API_KEY);
    expect(payload.sub).toBe(ACCOUNT);
    expect(payload.grants.identity).toBe('alice');
    expect(payload.grants.voice).toEqual({ incoming: { allow: true }, outgoing: { application_sid: APP } });
    // jti is "<key>-<issued at>"; the token lives exactly the TTL from then.
    const issuedAt = Number(payload.jti.slice(API_KEY.length + 1));
    expect(payload.jti.startsWith(`${API_KEY}-`)).toBe(true);
    expect(issuedAt).toBeGreaterThanOrEqual(before);
    expect(issuedAt).toBeLessThanOrEqual(after);
    expect(payload.exp - issuedAt).toBe(3600);
    expect(Date.parse(body.expiresAt) / 1000).toBe(payload.exp);
    expect(JSON.stringify(body)).not.toContain(API_SECRET);
  });

  it("signs with the twilio package's own AccessToken (the lazily loaded module is twilio.jwt.AccessToken)", () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the very module the function loads lazily, compared by identity
    expect(require('twilio/lib/jwt/AccessToken')).toBe(twilio.jwt.AccessToken);
  });

  it('takes a token with surrounding spaces in the variables', async () => {
    const reply = await ask({ ...CONFIGURED, TWILIO_API_KEY: ` ${API_KEY} `, TWIML_APP_SID: `${APP}\n` });
    expect(reply.statusCode).toBe(200);
  });

  it.each([
    ['no Authorization header', null],
    ['a wrong token', 'Bearer not-the-token'],
    ['another scheme', `Basic ${TOKEN}`],
  ])('refuses %s with 401 and no token', async (_, authorization) => {
    const reply = await ask(CONFIGURED, authorization);
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['WWW-Authenticate']).toBe('Bearer realm="call-hold"');
    expect(reply.body).toEqual({ error: 'unauthorized', message: expect.any(String) });
  });

  it('checks the bearer token before anything else: a misconfigured key is not revealed to a stranger', async () => {
    const reply = await ask({ ...CONFIGURED, TWILIO_API_SECRET: '' }, 'Bearer wrong');
    expect(reply.statusCode).toBe(401);
  });

  it('answers 500 without HOLD_API_TOKEN, never open', async () => {
    const reply = await ask({ ...CONFIGURED, HOLD_API_TOKEN: undefined });
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toMatchObject({ error: 'misconfigured', message: 'HOLD_API_TOKEN is not configured' });
  });

  it.each([
    ['TWILIO_API_KEY unset', { TWILIO_API_KEY: '' }, /TWILIO_API_KEY is not set/],
    [
      'all three unset',
      { TWILIO_API_KEY: undefined, TWILIO_API_SECRET: undefined, TWIML_APP_SID: ' ' },
      /TWILIO_API_KEY, TWILIO_API_SECRET, TWIML_APP_SID are not set/,
    ],
    ['an Account SID where the API key goes', { TWILIO_API_KEY: ACCOUNT }, /TWILIO_API_KEY .* is not an API key SID/],
    ['a short secret', { TWILIO_API_SECRET: 'short' }, /TWILIO_API_SECRET is not an API key secret/],
    ['a secret with a space', { TWILIO_API_SECRET: `${API_SECRET} x` }, /TWILIO_API_SECRET is not an API key secret/],
    ['a TwiML App SID of another kind', { TWIML_APP_SID: 'PN' + 'b'.repeat(32) }, /TWIML_APP_SID .* is not a TwiML App SID/],
    ['no ACCOUNT_SID', { ACCOUNT_SID: undefined }, /ACCOUNT_SID is not an Account SID/],
  ])('answers 500 misconfigured with %s, naming the variable and never the secret', async (_, change, message) => {
    const reply = await ask({ ...CONFIGURED, ...change });
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toEqual({ error: 'misconfigured', message: expect.stringMatching(message) });
    expect(JSON.stringify(reply.body)).not.toContain(API_SECRET);
  });

  it.each(['+14155550100', 'sip:agent@example.com'])('answers 404 when the agent is %s: no Voice SDK agent to issue for', async (agent) => {
    const reply = await ask({ ...CONFIGURED, AGENT_NUMBER: agent });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found' });
  });

  it('answers 500 when AGENT_NUMBER is unset', async () => {
    const reply = await ask({ ...CONFIGURED, AGENT_NUMBER: undefined });
    expect(reply.statusCode).toBe(500);
    expect(reply.body).toMatchObject({ error: 'misconfigured', message: 'AGENT_NUMBER is not set' });
  });
});

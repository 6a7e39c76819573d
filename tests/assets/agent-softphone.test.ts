// The client: agent's softphone as `npm run build` ships it (dist/assets is public), and the part of
// its script that talks to the functions (examples/agent-softphone/agent-api.ts), which runs in Node
// as well. The page itself needs real Twilio (a Voice SDK Device registers with Twilio's signalling),
// so it is not run here; tests/e2e/agent-token.test.ts runs agent-api against the real functions.
import { existsSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { AgentApiError, callerCallSidOf, fetchAgentToken, setCallerHold } from '../../examples/agent-softphone/agent-api';

const distAssets = join(__dirname, '..', '..', 'dist', 'assets');
const CALLER = 'CA' + '1'.repeat(32);

describe('dist/assets: the softphone', () => {
  beforeAll(() => {
    if (!existsSync(distAssets)) throw new Error('dist/assets does not exist: run `npm run build` before jest (npm test does)');
  });

  it('ships the page and its one script, which loads nothing from another origin', () => {
    const page = readFileSync(join(distAssets, 'agent-softphone.html'), 'utf8');
    expect(page).toContain('<script src="agent-softphone.js"></script>');
    expect(page).not.toMatch(/(src|href)="(https?:)?\/\//);
    expect(existsSync(join(distAssets, 'agent-softphone.js'))).toBe(true);
  });

  it('keeps the script small and minified, without a source map (184 KB with @twilio/voice-sdk 2.18.5)', () => {
    const script = join(distAssets, 'agent-softphone.js');
    expect(statSync(script).size).toBeLessThan(256 * 1024);
    const text = readFileSync(script, 'utf8');
    expect(text).not.toMatch(/sourceMappingURL/);
    expect(text.split('\n').length).toBeLessThan(50);
  });

  it('names the packages it carries and their licenses in its first line', () => {
    const first = readFileSync(join(distAssets, 'agent-softphone.js'), 'utf8').split('\n')[0];
    expect(first).toMatch(/^\/\*! .*@twilio\/voice-sdk 2\.18\.5 \(Apache-2\.0\).* \*\/$/);
    expect(first).toMatch(/loglevel \S+ \(MIT\)/);
  });
});

describe("agent-api (the softphone's requests)", () => {
  const answers: { url: string; init: RequestInit }[] = [];
  const stub = (status: number, body: string): typeof fetch =>
    (async (url: string | URL | Request, init?: RequestInit) => {
      answers.push({ url: String(url), init: init ?? {} });
      return new Response(body, { status, headers: { 'Content-Type': 'application/json' } });
    }) as typeof fetch;
  beforeEach(() => {
    answers.length = 0;
  });

  it('asks /agent-token with the bearer token and returns the answer', async () => {
    const answer = { token: 'a.b.c', identity: 'alice', ttlSeconds: 3600, expiresAt: '2026-12-06T22:00:00.000Z' };
    await expect(fetchAgentToken('https://svc.twil.io', 'secret-token', stub(200, JSON.stringify(answer)))).resolves.toEqual(answer);
    expect(answers[0].url).toBe('https://svc.twil.io/agent-token');
    expect(answers[0].init.headers).toMatchObject({ Authorization: 'Bearer secret-token' });
  });

  it.each([
    [401, '{"error":"unauthorized","message":"wrong token"}', 'That token was refused.'],
    [404, '{"error":"not-found","message":"AGENT_NUMBER is not a client:identity"}', 'AGENT_NUMBER is not a client:identity'],
    [500, '{"error":"misconfigured","message":"TWILIO_API_KEY is not set"}', 'TWILIO_API_KEY is not set'],
    [502, 'Bad gateway', 'HTTP 502'],
    [200, '{"nothing":true}', 'the answer of /agent-token has no token'],
    [200, 'not json', 'the answer was not JSON'],
  ])('turns an answer %i into an error a person can read', async (status, body, message) => {
    const failure = fetchAgentToken('https://svc.twil.io', 't', stub(status, body));
    await expect(failure).rejects.toBeInstanceOf(AgentApiError);
    await expect(fetchAgentToken('https://svc.twil.io', 't', stub(status, body))).rejects.toThrow(message);
  });

  it('takes the CallerCallSid custom parameter only when it is a CallSid', () => {
    expect(callerCallSidOf(new Map([['CallerCallSid', CALLER]]))).toBe(CALLER);
    expect(callerCallSidOf(new Map())).toBeUndefined();
    expect(callerCallSidOf(new Map([['CallerCallSid', 'CA123']]))).toBeUndefined();
    expect(callerCallSidOf(new Map([['CallerCallSid', `${CALLER}&x=1`]]))).toBeUndefined();
  });

  it('holds and resumes the caller by its CallSid, as a form POST', async () => {
    await expect(setCallerHold('https://svc.twil.io', 't', CALLER, true, stub(200, '{"held":true}'))).resolves.toBe(true);
    await expect(setCallerHold('https://svc.twil.io', 't', CALLER, false, stub(200, '{"held":false}'))).resolves.toBe(false);
    expect(answers.map((a) => [a.url, a.init.method, String(a.init.body)])).toEqual([
      ['https://svc.twil.io/hold', 'POST', `CallSid=${CALLER}`],
      ['https://svc.twil.io/unhold', 'POST', `CallSid=${CALLER}`],
    ]);
  });
});

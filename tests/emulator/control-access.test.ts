// The emulator's control API as a web page or a hostile request would try it (emulator/control/
// access.ts, routes.ts; docs/emulator-api.md#access): a change needs the run's token and is refused
// from another origin; a name that is not loopback (DNS rebinding) is refused, the page and its
// token included; a number's Voice URL stays on loopback; a fault's pattern is never a regular
// expression, and a long one is refused; bodies are bounded.
import { request } from 'node:http';
import { type Emulator, startEmulator } from '../../emulator';
import { MAX_PATTERN_LENGTH, globFound } from '../../emulator/engine/faults';

const TOKEN = 'control-access-test-token-0123456789';
const NUMBER = '+15550100000';
let emu: Emulator;

beforeAll(async () => {
  emu = await startEmulator({
    clock: 'virtual',
    controlToken: TOKEN,
    numbers: [{ phoneNumber: NUMBER, voiceUrl: 'http://127.0.0.1:9/incoming-call', voiceMethod: 'POST' }],
  });
});
afterAll(async () => {
  await emu.close();
});
afterEach(() => emu.faults.clear());

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  text: string;
}

/** A raw request (node's http, so that Host, Origin and Sec-Fetch-Site are sent as given). */
function send(method: string, path: string, headers: Record<string, string> = {}, body?: string): Promise<Reply> {
  const { port } = new URL(emu.url);
  return new Promise((answer, fail) => {
    const req = request({ host: '127.0.0.1', port, path, method, headers: { Host: `127.0.0.1:${port}`, ...headers } }, (res) => {
      let text = '';
      res.on('data', (chunk: Buffer) => (text += chunk.toString()));
      res.on('end', () => answer({ status: res.statusCode ?? 0, headers: res.headers, text }));
    });
    req.on('error', fail);
    req.end(body);
  });
}

const form = { 'Content-Type': 'application/x-www-form-urlencoded' };
const json = { 'Content-Type': 'application/json' };
const bearer = { Authorization: `Bearer ${TOKEN}` };

describe('who may change the emulator', () => {
  it('a form POST without the token, as any web page can send, is refused (401) and places no call', async () => {
    const before = emu.calls().length;
    const reply = await send('POST', '/emulator/calls', form, 'From=%2B15551230000');
    expect(reply.status).toBe(401);
    expect(reply.headers['www-authenticate']).toMatch(/^Bearer/);
    expect(JSON.parse(reply.text)).toEqual({ error: expect.stringMatching(/control token/) });
    expect((await send('POST', '/emulator/calls', { ...form, Authorization: 'Bearer wrong' }, 'From=%2B15551230000')).status).toBe(401);
    expect((await send('POST', '/emulator/calls', { ...form, Authorization: TOKEN }, 'From=%2B15551230000')).status).toBe(401);
    expect(emu.calls().length).toBe(before);
  });

  it('with the token: placed (201)', async () => {
    const reply = await send('POST', '/emulator/calls', { ...form, ...bearer }, 'From=%2B15551230000');
    expect(reply.status).toBe(201);
    expect(emu.call((JSON.parse(reply.text) as { callSid: string }).callSid)).toBeDefined();
  });

  it("from another origin, even with the token: refused (403); from the page's own origin: allowed", async () => {
    const port = new URL(emu.url).port;
    const foreigners: Record<string, string>[] = [
      { Origin: 'http://evil.example' },
      { Origin: 'null' },
      { 'Sec-Fetch-Site': 'cross-site' },
      { 'Sec-Fetch-Site': 'same-site' },
    ];
    for (const foreign of foreigners) {
      const reply = await send('DELETE', '/emulator/faults', { ...bearer, ...foreign });
      expect({ foreign, status: reply.status, text: reply.text }).toEqual({
        foreign,
        status: 403,
        text: expect.stringMatching(/another origin/),
      });
    }
    const own = await send('DELETE', '/emulator/faults', {
      ...bearer,
      Origin: `http://127.0.0.1:${port}`,
      'Sec-Fetch-Site': 'same-origin',
    });
    expect(own.status).toBe(200);
  });

  it('reads need no token: state, log, one call, the page', async () => {
    for (const path of ['/emulator/state', '/emulator/log', '/emulator']) expect((await send('GET', path)).status).toBe(200);
  });

  it('the page carries the token for its own requests, is never cached and never framed', async () => {
    const page = await send('GET', '/emulator');
    expect(page.text).toContain(`<meta name="emulator-control-token" content="${TOKEN}">`);
    expect(page.headers['cache-control']).toBe('no-store');
    expect(page.headers['content-security-policy']).toBe("frame-ancestors 'none'");
    expect(page.headers['x-frame-options']).toBe('DENY');
  });

  it('a request addressed to a name that is not loopback (DNS rebinding) is refused, reads and the page included', async () => {
    const port = new URL(emu.url).port;
    for (const path of ['/emulator', '/emulator/state']) {
      const reply = await send('GET', path, { Host: `rebind.evil.example:${port}` });
      expect(reply.status).toBe(403);
      expect(reply.text).not.toContain(TOKEN);
    }
    expect((await send('GET', '/emulator/state', { Host: `localhost:${port}` })).status).toBe(200);
    expect((await send('GET', '/emulator/state', { Host: `[::1]:${port}` })).status).toBe(200);
  });
});

describe('what a change may ask', () => {
  it("a number's Voice URL must be on a loopback host", async () => {
    const set = (voiceUrl: string) =>
      send('POST', '/emulator/numbers', { ...json, ...bearer }, JSON.stringify({ PhoneNumber: NUMBER, VoiceUrl: voiceUrl }));
    for (const far of [
      'http://evil.example/incoming-call',
      'http://10.0.0.5:3000/incoming-call',
      'file:///etc/passwd',
      'http://127.0.0.1.evil.example/x',
      'not a url',
    ]) {
      const reply = await set(far);
      expect({ far, status: reply.status }).toEqual({ far, status: 400 });
    }
    for (const near of ['http://localhost:3000/incoming-call', 'http://127.0.0.1:3000/incoming-call', 'http://[::1]:3000/incoming-call']) {
      expect((await set(near)).status).toBe(200);
    }
    expect((await set('http://127.0.0.1:9/incoming-call')).status).toBe(200);
  });

  it('a fault pattern written as a regular expression is refused, the catastrophic one included; nothing is armed', async () => {
    const arm = (path: string) =>
      send('POST', '/emulator/faults', { ...json, ...bearer }, JSON.stringify({ target: 'rest', status: 500, path }));
    for (const regex of ['/^(\\W?\\w+)*\\W\\W\\W$/', '/Participants/i']) {
      const reply = await arm(regex);
      expect(reply.status).toBe(400);
      expect(reply.text).toMatch(/regular expressions are not accepted/);
    }
    const long = await arm('x'.repeat(MAX_PATTERN_LENGTH + 1));
    expect(long.status).toBe(400);
    expect(long.text).toMatch(new RegExp(`at most ${MAX_PATTERN_LENGTH} characters`));
    expect(emu.faults.list()).toEqual([]);
  });

  it('a plain or glob pattern is armed and matches as a string', async () => {
    const reply = await send(
      'POST',
      '/emulator/faults',
      { ...json, ...bearer },
      JSON.stringify({ target: 'rest', status: 503, path: '/Calls/CA*.json', count: 1 }),
    );
    expect(reply.status).toBe(201);
    expect(emu.faults.list()).toEqual([expect.objectContaining({ path: '/Calls/CA*.json' })]);
    // The text of a catastrophic regular expression, given without slashes, is only text.
    expect(globFound('(\\W?\\w+)*\\W\\W\\W', `/2010-04-01/Accounts/AC1/Calls/${'a'.repeat(5000)}!`)).toBe(false);
    expect(globFound('(\\W?\\w+)*\\W', 'x(\\W?\\w+)\\Wy')).toBe(true);
  });

  it('numbers out of range, a REST fault status Twilio does not send, a JSON body that is not an object, a body over 16 KB: 400 or 413', async () => {
    const post = (path: string, body: string, headers = json) => send('POST', path, { ...headers, ...bearer }, body);
    expect((await post('/emulator/advance', JSON.stringify({ ms: 1e15 }))).status).toBe(400);
    expect((await post('/emulator/advance', JSON.stringify({ ms: 'soon' }))).status).toBe(400);
    expect((await post('/emulator/faults', JSON.stringify({ target: 'rest', status: 418 }))).status).toBe(400);
    expect((await post('/emulator/parties', JSON.stringify({ address: '+15550100001', behavior: 'answer', afterMs: -1 }))).status).toBe(
      400,
    );
    expect((await post('/emulator/calls', 'null')).status).toBe(400);
    expect((await post('/emulator/calls', `From=${'1'.repeat(20_000)}`, form)).status).toBe(413);
  });
});

describe('glob patterns', () => {
  it.each([
    ['/Participants/', '/2010-04-01/Accounts/AC1/Conferences/CF1/Participants/CA1.json', true],
    ['Participants/CA*.json', '/Conferences/CF1/Participants/CA1.json', true],
    ['Participants/CA*.json', '/Conferences/CF1/Participants.json', false],
    ['*', '', true],
    ['a*b*c', 'xxaxxbxxcxx', true],
    ['a*b*c', 'xxcxxbxxaxx', false],
  ])('%s in %s: %s', (pattern, value, found) => {
    expect(globFound(pattern, value)).toBe(found);
  });
});

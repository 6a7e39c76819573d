// POST /hold and POST /unhold in dial mode, through the real handlers and the real twilio SDK
// against a recording stand-in for api.twilio.com: which leg moves, how many requests, which status.
import { handler as holdHandler } from '../../functions/hold';
import { handler as unholdHandler } from '../../functions/unhold';
import { startFakeTwilioApi, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilioError, type FakeReply, type FakeTwilioApi, type RecordedRequest } from '../support/fake-twilio-api';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';
import { signAgentHandle } from '../../lib/dial/agent-handle';
import { readDialHeld } from '../../lib/dial/hold';

/** appliedAt: an ISO 8601 instant with milliseconds (docs/hold-api.md, "Ordering answers"). */
const ISO_MS = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const TOKEN = 'a-long-random-control-token';
const CALLER = 'CA' + '1'.repeat(32);
const AGENT = 'CA' + 'a'.repeat(32);
const QUEUE = 'QU' + 'b'.repeat(32);
const AGENT_QUEUE = 'QU' + 'd'.repeat(32);
const BASE = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}`;

let api: FakeTwilioApi;
/** Call SID -> status, as the fake Twilio knows them. */
let calls: Map<string, { status: string; parent?: string }>;
/** The call's queues (members waiting), as the fake Twilio knows them; undefined: no such queue. */
let queues: { caller?: number; agent?: number };
let override: ((request: RecordedRequest) => FakeReply | undefined) | undefined;

function callJson(sid: string): object {
  const call = calls.get(sid)!;
  return { sid, account_sid: TEST_ACCOUNT_SID, status: call.status, parent_call_sid: call.parent ?? null };
}

function listPage(key: string, items: object[]): object {
  return { [key]: items, first_page_uri: '', next_page_uri: null, previous_page_uri: null, page: 0, page_size: 50, start: 0, end: 0, uri: '' };
}

beforeEach(async () => {
  calls = new Map([
    [CALLER, { status: 'in-progress' }],
    [AGENT, { status: 'in-progress', parent: CALLER }],
  ]);
  queues = {};
  override = undefined;
  api = await startFakeTwilioApi((request) => {
    const special = override?.(request);
    if (special) return special;
    if (request.method === 'GET' && request.path === `${BASE}/Calls.json`) {
      const parent = request.query.get('ParentCallSid');
      const children = [...calls.keys()].filter((sid) => calls.get(sid)!.parent === parent);
      return { status: 200, body: listPage('calls', children.map(callJson)) };
    }
    if (request.method === 'GET' && request.path === `${BASE}/Queues.json`) {
      const rows = [
        { sid: 'QU' + 'c'.repeat(32), friendly_name: 'someone-elses-queue', current_size: 3, max_size: 1000 },
        ...(queues.caller !== undefined ? [{ sid: QUEUE, friendly_name: CALLER, current_size: queues.caller, max_size: 1000 }] : []),
        ...(queues.agent !== undefined ? [{ sid: AGENT_QUEUE, friendly_name: `${CALLER}-agent`, current_size: queues.agent, max_size: 1000 }] : []),
      ];
      return { status: 200, body: listPage('queues', rows) };
    }
    const one = /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(request.path);
    if (one && calls.has(one[1])) {
      const call = calls.get(one[1])!;
      if (request.method === 'POST' && !['in-progress', 'ringing', 'queued'].includes(call.status)) {
        return twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.');
      }
      return { status: 200, body: callJson(one[1]) };
    }
    return twilioError(404, 20404, 'The requested resource was not found');
  });
});

afterEach(() => api.close());

function context(env: Record<string, string> = {}) {
  return functionContext({
    ACCOUNT_SID: TEST_ACCOUNT_SID,
    AUTH_TOKEN: TEST_AUTH_TOKEN,
    HOLD_API_TOKEN: TOKEN,
    HOLD_MODE: 'dial',
    AGENT_NUMBER: '+15550100001',
    TWILIO_API_BASE_URL: api.url,
    ...env,
  });
}

const requests = () => api.requests.map((r) => `${r.method} ${r.path.slice(BASE.length)}`);

function expectCallerNeverMoved(): void {
  expect(api.requests.filter((r) => r.method === 'POST' && r.path === `${BASE}/Calls/${CALLER}.json`)).toEqual([]);
}

const HANDLE = () => signAgentHandle(TOKEN, CALLER, AGENT);
const HANDLE_SHAPE = expect.stringMatching(/^h1\.CA[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/);

function expectAgentNeverMoved(): void {
  expect(api.requests.filter((r) => r.method === 'POST' && r.path === `${BASE}/Calls/${AGENT}.json`)).toEqual([]);
}

function verbsOf(request: RecordedRequest) {
  return parseTwiml(request.form.get('Twiml') ?? '').children;
}

describe('hold (dial mode)', () => {
  it('without SIDs: finds the agent leg by ParentCallSid, then ONE update moves the AGENT into the agent queue (inline TwiML)', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: true, appliedAfter: ISO_MS, appliedAt: ISO_MS, agentCallSid: AGENT, agentHandle: HANDLE() });
    expect(requests()).toEqual(['GET /Calls.json', `POST /Calls/${AGENT}.json`]);
    expect(api.requests[0].query.get('ParentCallSid')).toBe(CALLER);
    expect([...api.requests[1].form.keys()]).toEqual(['Twiml']);
    const verbs = verbsOf(api.requests[1]);
    // No action URL anywhere: whenever a bridge ends without a new hold the agent goes back to its queue.
    expect(verbs.map((v) => v.verb)).toEqual([...Array(verbs.length - 1).fill('Enqueue'), 'Redirect']);
    expect(api.requests[1].form.get('Twiml')!.length).toBeLessThan(4000);
    for (const enqueue of verbs.slice(0, -1)) {
      expect(enqueue).toMatchObject({ text: `${CALLER}-agent`, attributes: { waitUrl: `http://localhost:3000/agent-hold-loop?CallerCallSid=${CALLER}` } });
      expect(enqueue.attributes.action).toBeUndefined();
    }
    expect(verbs.at(-1)).toMatchObject({ text: `http://localhost:3000/agent-rejoin-hold?CallerCallSid=${CALLER}` });
    expectCallerNeverMoved();
  });

  it('with the AgentHandle of an earlier answer: ONE request, no read', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: true, appliedAfter: ISO_MS, appliedAt: ISO_MS, agentCallSid: AGENT, agentHandle: HANDLE_SHAPE });
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`]);
  });

  it('AgentCallSid is checked against the lookup: right one 2 requests; another call\'s leg 404 and nothing moves', async () => {
    expect((await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) })).statusCode).toBe(200);
    expect(requests()).toEqual(['GET /Calls.json', `POST /Calls/${AGENT}.json`]);
    api.requests.length = 0;
    const other = 'CA' + '5'.repeat(32);
    calls.set(other, { status: 'in-progress', parent: 'CA' + '6'.repeat(32) });
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: other, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(requests()).toEqual(['GET /Calls.json']);
  });

  it('a handle minted for another call, with another token, or altered is a 400 before any request', async () => {
    const other = 'CA' + '7'.repeat(32);
    const bad = [
      signAgentHandle(TOKEN, other, AGENT),
      signAgentHandle('another-token', CALLER, AGENT),
      HANDLE().slice(0, -1) + (HANDLE().endsWith('A') ? 'B' : 'A'),
      `h1.${other}.${HANDLE().split('.')[2]}`,
      'x'.repeat(500),
      'not-a-handle',
    ];
    for (const handle of bad) {
      for (const handler of [holdHandler, unholdHandler]) {
        const reply = await invokeFunction(handler, context(), { CallSid: CALLER, AgentHandle: handle, ...bearer(TOKEN) });
        expect(reply.statusCode).toBe(400);
        expect(JSON.stringify(reply.body).length).toBeLessThan(300);
      }
    }
    const mismatch = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), AgentCallSid: other, ...bearer(TOKEN) });
    expect(mismatch.statusCode).toBe(400);
    expect(api.requests).toHaveLength(0);
  });

  it('holding a held call moves the agent into its queue again: 200, harmless, the caller untouched', async () => {
    queues = { caller: 1, agent: 1 };
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.body).toMatchObject({ held: true });
    expectCallerNeverMoved();
  });

  it('409 while the agent is still ringing, with or without AgentCallSid, and nothing moves (a ringing <Dial> child is never redirected)', async () => {
    calls.get(AGENT)!.status = 'ringing';
    for (const extra of [{}, { AgentCallSid: AGENT }]) {
      const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...extra, ...bearer(TOKEN) });
      expect(reply.statusCode).toBe(409);
    }
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Calls.json']);
  });

  it('404 when the call has no live agent leg (no such call, or it ended)', async () => {
    const unknown = 'CA' + '2'.repeat(32);
    expect((await invokeFunction(holdHandler, context(), { CallSid: unknown, ...bearer(TOKEN) })).statusCode).toBe(404);
    calls.get(AGENT)!.status = 'completed';
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found' });
  });

  it('404 when the handle\'s agent leg has ended (21220, then one read tells ended from ringing)', async () => {
    calls.get(AGENT)!.status = 'completed';
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`, `GET /Calls/${AGENT}.json`]);
  });

  it('502 when the handle\'s update answers 21220 and the read that would tell ringing from ended fails', async () => {
    calls.get(AGENT)!.status = 'completed';
    override = (request) => (request.method === 'GET' ? twilioError(500, 20500, 'Internal Server Error') : undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    error.mockRestore();
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ error: 'upstream', twilio: { status: 500, code: 20500 } });
  });

  it('400 when AgentCallSid is the caller itself (moving it would drop the agent), before any request', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(400);
    expect(api.requests).toHaveLength(0);
  });

  it('400 for Participant=agent (dial mode only holds the caller), before any request', async () => {
    for (const handler of [holdHandler, unholdHandler]) {
      const reply = await invokeFunction(handler, context(), { CallSid: CALLER, Participant: 'agent', ...bearer(TOKEN) });
      expect(reply.statusCode).toBe(400);
      expect((reply.body as { message: string }).message).toMatch(/conference-mode option/);
    }
    expect(api.requests).toHaveLength(0);
  });

  it('retries a 429 and succeeds', async () => {
    let limited = 2;
    override = (request) => (request.method === 'POST' && limited-- > 0 ? twilioError(429, 20429, 'Too Many Requests') : undefined);
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(requests()).toEqual(Array(3).fill(`POST /Calls/${AGENT}.json`));
  });

  it('502 when Twilio keeps failing', async () => {
    override = () => twilioError(500, 20500, 'Internal Server Error');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ error: 'upstream', twilio: { code: 20500 } });
  });

  it('401 without the token, before any request', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer('nope') });
    expect(reply.statusCode).toBe(401);
    expect(api.requests).toHaveLength(0);
  });
});

describe('unhold (dial mode)', () => {
  function expectResumeTwiml(request: RecordedRequest): void {
    const verbs = verbsOf(request);
    expect(verbs.map((v) => v.verb)).toEqual(['Dial', 'Enqueue']);
    // The caller dials the AGENT queue; no action: a later hold ends that Dial and the caller goes on
    // to its own queue (the next verb) without asking our functions.
    expect(verbs[0].attributes.action).toBeUndefined();
    expect(verbs[0].children).toEqual([expect.objectContaining({ verb: 'Queue', text: `${CALLER}-agent` })]);
    expect(verbs[1]).toMatchObject({
      text: CALLER,
      attributes: { waitUrl: 'http://localhost:3000/hold-music.mp3', action: 'http://localhost:3000/hold-queue-ended' },
    });
  }

  it('with the AgentHandle: ONE request, which gives the CALLER leg <Dial><Queue> of the agent queue', async () => {
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: false, appliedAfter: ISO_MS, appliedAt: ISO_MS, agentCallSid: AGENT, agentHandle: HANDLE() });
    expect(requests()).toEqual([`POST /Calls/${CALLER}.json`]);
    expectResumeTwiml(api.requests[0]);
    expectAgentNeverMoved();
  });

  it('without the handle and both waiting on hold: lookup, one queue read, then the move (3 requests)', async () => {
    queues = { caller: 1, agent: 1 };
    for (const extra of [{}, { AgentCallSid: AGENT }]) {
      api.requests.length = 0;
      const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...extra, ...bearer(TOKEN) });
      expect(reply.statusCode).toBe(200);
      expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: false, appliedAfter: ISO_MS, appliedAt: ISO_MS, agentCallSid: AGENT, agentHandle: HANDLE() });
      expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json', `POST /Calls/${CALLER}.json`]);
      expectResumeTwiml(api.requests[2]);
    }
    expectAgentNeverMoved();
  });

  it('a call never held (no agent queue): a true no-op, 2 reads, and no handle (its caller is still the parent of the bridge)', async () => {
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: false, appliedAfter: ISO_MS, appliedAt: ISO_MS, agentCallSid: AGENT });
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json']);
  });

  it('a resumed call (queues empty): a true no-op with the handle', async () => {
    queues = { caller: 0, agent: 0 };
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: false, appliedAfter: ISO_MS, appliedAt: ISO_MS, agentCallSid: AGENT, agentHandle: HANDLE() });
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json']);
  });

  it('409 when the caller waits but the agent is not in its queue (between a hold and a resume): nothing moves', async () => {
    queues = { caller: 1, agent: 0 };
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(409);
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('409 while the agent is still ringing', async () => {
    calls.get(AGENT)!.status = 'ringing';
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) })).statusCode).toBe(409);
  });

  it('404 for a call that is gone, with or without the handle', async () => {
    calls.get(AGENT)!.status = 'completed';
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) })).statusCode).toBe(404);
    calls.get(CALLER)!.status = 'completed';
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) })).statusCode).toBe(404);
  });

  it('502 when the queue read fails, and nothing moves', async () => {
    override = (request) => (request.path.endsWith('/Queues.json') ? twilioError(500, 20500, 'Internal Server Error') : undefined);
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(502);
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
  });
});

describe('an update with no answer in time (504, outcome unknown)', () => {
  it.each([
    ['hold', true],
    ['unhold', false],
  ] as const)('%s: a 504 "outcome unknown" with the state read back (one queue read)', async (action, heldAfter) => {
    let updates = 0;
    const route = api.route;
    api.route = (request) => {
      if (request.method === 'POST') {
        updates += 1;
        queues = heldAfter ? { caller: 1, agent: 1 } : { caller: 0, agent: 0 }; // Twilio acted, its answer never arrives
        return 'hang';
      }
      return route(request);
    };
    queues = heldAfter ? { caller: 0, agent: 0 } : { caller: 1, agent: 1 };
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the client the runtime would make, with a short timeout
    const impatient = { ...context(), getTwilioClient: () => require('twilio')(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, { timeout: 300 }) };
    const handler = action === 'hold' ? holdHandler : unholdHandler;
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invokeFunction(handler, impatient as ReturnType<typeof context>, { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    error.mockRestore();
    expect(reply.statusCode).toBe(504);
    expect(reply.body).toMatchObject({ error: 'outcome-unknown', outcome: 'unknown', callSid: CALLER, held: heldAfter });
    expect(updates).toBe(1);
    expect(requests().at(-1)).toBe('GET /Queues.json');
  });
});

describe('readDialHeld (the read-back for an answer whose outcome is unknown)', () => {
  const client = () => {
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- a client of its own, made inside the test
    const twilio = require('twilio') as typeof import('twilio');
    const c = twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN);
    c.api.baseUrl = api.url;
    return c;
  };
  const fast = { budgetMs: 0, baseDelayMs: 0, maxDelayMs: 0, sleep: async () => undefined, random: () => 0, now: Date.now };

  it('held when the caller waits in its queue, not held otherwise, undefined when it cannot be read; one request', async () => {
    queues = { caller: 1, agent: 1 };
    expect(await readDialHeld(client(), CALLER, fast)).toBe(true);
    queues = { caller: 0, agent: 0 };
    expect(await readDialHeld(client(), CALLER, fast)).toBe(false);
    override = () => twilioError(500, 20500, 'Internal Server Error');
    expect(await readDialHeld(client(), CALLER, fast)).toBeUndefined();
    expect(requests()).toEqual(['GET /Queues.json', 'GET /Queues.json', 'GET /Queues.json']);
  });
});

describe('the window in which Twilio applied the update or the state was read (docs/hold-api.md, "Ordering answers")', () => {
  /** Blocks this process for `ms`, so that instants taken before and after it differ. */
  function stall(ms: number): void {
    const until = Date.now() + ms;
    while (Date.now() < until) { /* the instants around the lookup must differ */ }
  }

  /** Each request's arrival; the agent lookup (GET /Calls.json) answers 30 ms late. */
  function timed(): { path: string; method: string; at: number }[] {
    const seen: { path: string; method: string; at: number }[] = [];
    override = (request) => {
      seen.push({ path: request.path.slice(BASE.length), method: request.method, at: Date.now() });
      if (request.method === 'GET' && request.path === `${BASE}/Calls.json`) stall(30);
      return undefined;
    };
    return seen;
  }

  function windowOf(body: unknown): [number, number] {
    const { appliedAfter, appliedAt } = body as { appliedAfter: string; appliedAt: string };
    return [Date.parse(appliedAfter), Date.parse(appliedAt)];
  }

  it('a hold: opens after the lookup, before the update, and closes after its answer', async () => {
    const seen = timed();
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    const [after, at] = windowOf(reply.body);
    const [lookup, update] = seen;
    expect(update.method).toBe('POST');
    expect(after).toBeGreaterThanOrEqual(lookup.at + 30);
    expect(after).toBeLessThanOrEqual(update.at);
    expect(at).toBeGreaterThanOrEqual(update.at);
  });

  it('a resume that moves nothing: the window is the queue read\'s, not the lookup\'s', async () => {
    queues = { caller: 0, agent: 0 };
    const seen = timed();
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.body).toMatchObject({ held: false });
    const [after, at] = windowOf(reply.body);
    const [lookup, read] = seen;
    expect(read.path).toBe('/Queues.json');
    expect(after).toBeGreaterThanOrEqual(lookup.at + 30);
    expect(after).toBeLessThanOrEqual(read.at);
    expect(at).toBeGreaterThanOrEqual(read.at);
  });

  it('a resume that moves the caller: the window is the update\'s, after the queue read', async () => {
    queues = { caller: 1, agent: 1 };
    const seen = timed();
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    const [after, at] = windowOf(reply.body);
    const read = seen[1];
    const update = seen[2];
    expect(update.method).toBe('POST');
    expect(after).toBeGreaterThanOrEqual(read.at);
    expect(after).toBeLessThanOrEqual(update.at);
    expect(at).toBeGreaterThanOrEqual(update.at);
  });
});

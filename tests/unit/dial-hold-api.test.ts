// POST /hold and POST /unhold in dial mode, through the real handlers and the real twilio SDK
// against a recording stand-in for api.twilio.com: which leg moves, how many requests, which status.
import { handler as holdHandler } from '../../functions/hold';
import { handler as unholdHandler } from '../../functions/unhold';
import { startFakeTwilioApi, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilioError, type FakeReply, type FakeTwilioApi, type RecordedRequest } from '../support/fake-twilio-api';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

const TOKEN = 'a-long-random-control-token';
const CALLER = 'CA' + '1'.repeat(32);
const AGENT = 'CA' + 'a'.repeat(32);
const QUEUE = 'QU' + 'b'.repeat(32);
const BASE = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}`;

let api: FakeTwilioApi;
/** Call SID -> status, as the fake Twilio knows them. */
let calls: Map<string, { status: string; parent?: string }>;
let queue: { size: number } | undefined;
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
  queue = undefined;
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
      const queues = [
        { sid: 'QU' + 'c'.repeat(32), friendly_name: 'someone-elses-queue', current_size: 3, max_size: 1000 },
        ...(queue ? [{ sid: QUEUE, friendly_name: CALLER, current_size: queue.size, max_size: 1000 }] : []),
      ];
      return { status: 200, body: listPage('queues', queues) };
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

describe('hold (dial mode)', () => {
  it('with AgentCallSid: ONE request, which moves the AGENT leg into the keep-alive loop', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: true });
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`]);
    expect(Object.fromEntries(api.requests[0].form)).toEqual({ Url: 'http://localhost:3000/agent-hold-loop', Method: 'POST' });
    expectCallerNeverMoved();
  });

  it('without AgentCallSid: finds the agent leg by ParentCallSid first (2 requests)', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(requests()).toEqual(['GET /Calls.json', `POST /Calls/${AGENT}.json`]);
    expect(api.requests[0].query.get('ParentCallSid')).toBe(CALLER);
    expectCallerNeverMoved();
  });

  it('holding a held call moves the agent into the loop again: 200, harmless', async () => {
    queue = { size: 1 };
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.body).toMatchObject({ held: true });
    expectCallerNeverMoved();
  });

  it('409 while the agent is still ringing (found by lookup), and nothing moves', async () => {
    calls.get(AGENT)!.status = 'ringing';
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(409);
    expect(requests()).toEqual(['GET /Calls.json']);
  });

  it('409 when Twilio answers the AgentCallSid update with a leg that has not answered yet', async () => {
    calls.get(AGENT)!.status = 'ringing';
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(409);
  });

  it('404 when the call has no live agent leg (no such call, or it ended)', async () => {
    const unknown = 'CA' + '2'.repeat(32);
    expect((await invokeFunction(holdHandler, context(), { CallSid: unknown, ...bearer(TOKEN) })).statusCode).toBe(404);
    calls.get(AGENT)!.status = 'completed';
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found' });
  });

  it('404 when the given AgentCallSid has ended (21220, then one read tells ended from ringing)', async () => {
    calls.get(AGENT)!.status = 'completed';
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`, `GET /Calls/${AGENT}.json`]);
  });

  it('502 when the given AgentCallSid answers 21220 and the read that would tell ringing from ended fails', async () => {
    calls.get(AGENT)!.status = 'completed';
    override = (request) => (request.method === 'GET' ? twilioError(500, 20500, 'Internal Server Error') : undefined);
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
    error.mockRestore();
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ error: 'upstream', twilio: { status: 500, code: 20500 } });
  });

  it('404 when Twilio does not know the given AgentCallSid', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: 'CA' + '3'.repeat(32), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
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
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(requests()).toEqual(Array(3).fill(`POST /Calls/${AGENT}.json`));
  });

  it('502 when Twilio keeps failing', async () => {
    override = () => twilioError(500, 20500, 'Internal Server Error');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
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
  function resumeTwiml(request: RecordedRequest) {
    const twiml = parseTwiml(request.form.get('Twiml') ?? '');
    expect(twiml.children.map((c) => c.verb)).toEqual(['Dial']);
    return twiml.children[0];
  }

  it('with AgentCallSid: ONE request, which gives the AGENT leg <Dial><Queue> of the hold queue', async () => {
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: false });
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`]);
    const dial = resumeTwiml(api.requests[0]);
    expect(dial.attributes).toMatchObject({ action: `http://localhost:3000/agent-dial-ended?CallerCallSid=${CALLER}`, method: 'POST' });
    expect(dial.children).toHaveLength(1);
    expect(dial.children[0]).toMatchObject({
      verb: 'Queue',
      text: CALLER,
      attributes: { url: 'http://localhost:3000/hold-queue-dequeued', method: 'POST' },
    });
    expectCallerNeverMoved();
  });

  it('without AgentCallSid and the caller waiting: lookup, one queue read, then the move (3 requests)', async () => {
    queue = { size: 1 };
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json', `POST /Calls/${AGENT}.json`]);
    expectCallerNeverMoved();
  });

  it.each([
    ['no hold queue', undefined],
    ['an empty hold queue', { size: 0 }],
  ])('without AgentCallSid, resuming a live call (%s) is a true no-op: 200, two reads, no move', async (_name, state) => {
    queue = state;
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'dial', held: false });
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json']);
  });

  it('409 while the agent is still ringing', async () => {
    calls.get(AGENT)!.status = 'ringing';
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) })).statusCode).toBe(409);
  });

  it('404 for a call that is gone', async () => {
    calls.get(AGENT)!.status = 'completed';
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) })).statusCode).toBe(404);
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) })).statusCode).toBe(404);
  });

  it('502 when the queue read fails, and nothing moves', async () => {
    override = (request) => (request.path.endsWith('/Queues.json') ? twilioError(500, 20500, 'Internal Server Error') : undefined);
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(502);
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
  });
});

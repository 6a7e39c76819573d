// POST /hold and POST /unhold in dial mode, through the real handlers and the real twilio SDK
// against the emulator, whose calls the real functions answer (tests/support/emulated-twilio.ts):
// which leg moves, how many requests, which status. The handler under test reaches the emulator
// through the recording stand-in (tests/support/fake-twilio-api.ts), which lists its requests
// exactly and injects what the emulator cannot answer (an update applied whose answer is lost).
import { handler as holdHandler } from '../../functions/hold';
import { handler as unholdHandler } from '../../functions/unhold';
import { startTwilioProxy, twilioError, type FakeTwilioApi, type Injected, type RecordedRequest } from '../support/fake-twilio-api';
import { ACCOUNT_SID, AUTH_TOKEN, dialledCall, startEmulatedTwilio, type EmulatedTwilio } from '../support/emulated-twilio';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';
import { signAgentHandle } from '../../lib/dial/agent-handle';
import { readDialHeld } from '../../lib/dial/hold';

/** appliedAt: an ISO 8601 instant with milliseconds (docs/hold-api.md, "Ordering answers"). */
const ISO_MS = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const TOKEN = 'a-long-random-control-token';
const BASE = `/2010-04-01/Accounts/${ACCOUNT_SID}`;
const ENV = { HOLD_API_TOKEN: TOKEN, HOLD_MODE: 'dial', AGENT_NUMBER: '+15550100001', AGENT_SCREENING: 'off', LINE_MAX_WAIT_SECONDS: '0' };

let emulated: EmulatedTwilio;
/** The recording stand-in in front of the emulator: the requests of the handler under test. */
let api: FakeTwilioApi;
let override: ((request: RecordedRequest) => Injected) | undefined;
/** The caller's call and its <Dial> child, the agent's leg: bridged, on the emulator. */
let CALLER: string;
let AGENT: string;

beforeEach(async () => {
  emulated = await startEmulatedTwilio({ functions: ENV });
  ({ caller: CALLER, agent: AGENT } = await dialledCall(emulated));
  override = undefined;
  api = await startTwilioProxy(emulated.url, (request) => override?.(request));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
  await emulated.close();
});

function context(env: Record<string, string> = {}, twilioApiUrl = api.url) {
  return functionContext({ ...ENV, ACCOUNT_SID, AUTH_TOKEN, TWILIO_API_BASE_URL: twilioApiUrl, ...env });
}

/** Holds or resumes the call as a client would, straight on the emulator (not among the requests asserted). */
async function apply(action: 'hold' | 'unhold'): Promise<void> {
  const reply = await invokeFunction(action === 'hold' ? holdHandler : unholdHandler, context({}, emulated.url), {
    CallSid: CALLER,
    ...bearer(TOKEN),
  });
  expect(reply.statusCode).toBe(200);
  await emulated.emu.settle();
}

/** The agent's leg hangs up, or the caller's (which ends its agent's too). */
async function hangup(callSid: string): Promise<void> {
  await emulated.emu.hangup(callSid);
  await emulated.emu.settle();
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
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'dial',
      held: true,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      agentCallSid: AGENT,
      agentHandle: HANDLE(),
    });
    expect(requests()).toEqual(['GET /Calls.json', `POST /Calls/${AGENT}.json`]);
    expect(api.requests[0].query.get('ParentCallSid')).toBe(CALLER);
    expect([...api.requests[1].form.keys()]).toEqual(['Twiml']);
    const verbs = verbsOf(api.requests[1]);
    // No action URL anywhere: whenever a bridge ends without a new hold the agent goes back to its queue.
    expect(verbs.map((v) => v.verb)).toEqual([...Array(verbs.length - 1).fill('Enqueue'), 'Redirect']);
    expect(api.requests[1].form.get('Twiml')!.length).toBeLessThan(4000);
    for (const enqueue of verbs.slice(0, -1)) {
      expect(enqueue).toMatchObject({
        text: `${CALLER}-agent`,
        attributes: { waitUrl: `http://localhost:3000/agent-hold-loop?CallerCallSid=${CALLER}` },
      });
      expect(enqueue.attributes.action).toBeUndefined();
    }
    expect(verbs.at(-1)).toMatchObject({ text: `http://localhost:3000/agent-rejoin-hold?CallerCallSid=${CALLER}` });
    expectCallerNeverMoved();
  });

  it('with the AgentHandle of an earlier answer: ONE request, no read', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'dial',
      held: true,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      agentCallSid: AGENT,
      agentHandle: HANDLE_SHAPE,
    });
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`]);
  });

  it("AgentCallSid is checked against the lookup: right one 2 requests; another call's leg 404 and nothing moves", async () => {
    expect((await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentCallSid: AGENT, ...bearer(TOKEN) })).statusCode).toBe(200);
    expect(requests()).toEqual(['GET /Calls.json', `POST /Calls/${AGENT}.json`]);
    api.requests.length = 0;
    // Another caller's agent leg.
    const { agent: other } = await dialledCall(emulated);
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
    const mismatch = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      AgentHandle: HANDLE(),
      AgentCallSid: other,
      ...bearer(TOKEN),
    });
    expect(mismatch.statusCode).toBe(400);
    expect(api.requests).toHaveLength(0);
  });

  it('holding a held call moves the agent into its queue again: 200, harmless, the caller untouched', async () => {
    await apply('hold');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.body).toMatchObject({ held: true });
    expectCallerNeverMoved();
  });

  it('409 while the agent is still ringing, with or without AgentCallSid, and nothing moves (a ringing <Dial> child is never redirected)', async () => {
    ({ caller: CALLER, agent: AGENT } = await dialledCall(emulated, { agentAnswers: false }));
    for (const extra of [{}, { AgentCallSid: AGENT }]) {
      const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...extra, ...bearer(TOKEN) });
      expect(reply.statusCode).toBe(409);
    }
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Calls.json']);
  });

  it('404 when the call has no live agent leg (no such call, or it ended)', async () => {
    const unknown = 'CA' + '2'.repeat(32);
    expect((await invokeFunction(holdHandler, context(), { CallSid: unknown, ...bearer(TOKEN) })).statusCode).toBe(404);
    await hangup(AGENT);
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found' });
  });

  it("404 when the handle's agent leg has ended (21220, then one read tells ended from ringing)", async () => {
    await hangup(AGENT);
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(requests()).toEqual([`POST /Calls/${AGENT}.json`, `GET /Calls/${AGENT}.json`]);
  });

  it("502 when the handle's update answers 21220 and the read that would tell ringing from ended fails", async () => {
    await hangup(AGENT);
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
    emulated.emu.faults.add({ target: 'rest', method: 'POST', path: `/Calls/${AGENT}.json`, status: 429, count: 2 });
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(requests()).toEqual(Array(3).fill(`POST /Calls/${AGENT}.json`));
  });

  it('502 when Twilio keeps failing', async () => {
    emulated.emu.faults.add({ target: 'rest', status: 500 });
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
    await apply('hold');
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'dial',
      held: false,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      agentCallSid: AGENT,
      agentHandle: HANDLE(),
    });
    expect(requests()).toEqual([`POST /Calls/${CALLER}.json`]);
    expectResumeTwiml(api.requests[0]);
    expectAgentNeverMoved();
  });

  it('without the handle and both waiting on hold: lookup, one queue read, then the move (3 requests)', async () => {
    for (const extra of [{}, { AgentCallSid: AGENT }]) {
      await apply('hold');
      api.requests.length = 0;
      const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...extra, ...bearer(TOKEN) });
      expect(reply.statusCode).toBe(200);
      expect(reply.body).toEqual({
        callSid: CALLER,
        mode: 'dial',
        held: false,
        appliedAfter: ISO_MS,
        appliedAt: ISO_MS,
        agentCallSid: AGENT,
        agentHandle: HANDLE(),
      });
      expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json', `POST /Calls/${CALLER}.json`]);
      expectResumeTwiml(api.requests[2]);
    }
    expectAgentNeverMoved();
  });

  it('a call never held (no agent queue): a true no-op, 2 reads, and no handle (its caller is still the parent of the bridge)', async () => {
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'dial',
      held: false,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      agentCallSid: AGENT,
    });
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json']);
  });

  it('a resumed call (queues empty): a true no-op with the handle', async () => {
    await apply('hold');
    await apply('unhold');
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'dial',
      held: false,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      agentCallSid: AGENT,
      agentHandle: HANDLE(),
    });
    expect(requests()).toEqual(['GET /Calls.json', 'GET /Queues.json']);
  });

  it('409 when the caller waits but the agent is not in its queue (between a hold and a resume): nothing moves', async () => {
    await apply('hold');
    // The agent's leg leaves its queue (as between a hold and a resume), the caller still waits in its own.
    await emulated.client.calls(AGENT).update({ twiml: '<Response><Pause length="600"/></Response>' });
    await emulated.emu.settle();
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(409);
    expect(api.requests.some((r) => r.method === 'POST')).toBe(false);
  });

  it('409 while the agent is still ringing', async () => {
    ({ caller: CALLER, agent: AGENT } = await dialledCall(emulated, { agentAnswers: false }));
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) })).statusCode).toBe(409);
  });

  it('404 for a call that is gone, with or without the handle', async () => {
    await hangup(AGENT);
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) })).statusCode).toBe(404);
    await hangup(CALLER);
    expect((await invokeFunction(unholdHandler, context(), { CallSid: CALLER, AgentHandle: HANDLE(), ...bearer(TOKEN) })).statusCode).toBe(
      404,
    );
  });

  it('502 when the queue read fails, and nothing moves', async () => {
    emulated.emu.faults.add({ target: 'rest', method: 'GET', path: 'Queues.json', status: 500 });
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
    override = (request) => {
      if (request.method !== 'POST') return undefined;
      updates += 1;
      return { applied: 'hang' }; // Twilio acted, its answer never arrives
    };
    if (!heldAfter) await apply('hold');
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the client the runtime would make, with a short timeout
    const impatient = { ...context(), getTwilioClient: () => require('twilio')(ACCOUNT_SID, AUTH_TOKEN, { timeout: 300 }) };
    const handler = action === 'hold' ? holdHandler : unholdHandler;
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invokeFunction(handler, impatient as ReturnType<typeof context>, {
      CallSid: CALLER,
      AgentHandle: HANDLE(),
      ...bearer(TOKEN),
    });
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
    const c = twilio(ACCOUNT_SID, AUTH_TOKEN);
    c.api.baseUrl = api.url;
    return c;
  };
  const fast = { budgetMs: 0, baseDelayMs: 0, maxDelayMs: 0, sleep: async () => undefined, random: () => 0, now: Date.now };

  it('held when the caller waits in its queue, not held otherwise, undefined when it cannot be read; one request', async () => {
    await apply('hold');
    expect(await readDialHeld(client(), CALLER, fast)).toBe(true);
    await apply('unhold');
    expect(await readDialHeld(client(), CALLER, fast)).toBe(false);
    emulated.emu.faults.add({ target: 'rest', method: 'GET', path: 'Queues.json', status: 500 });
    expect(await readDialHeld(client(), CALLER, fast)).toBeUndefined();
    expect(requests()).toEqual(['GET /Queues.json', 'GET /Queues.json', 'GET /Queues.json']);
  });
});

describe('the window in which Twilio applied the update or the state was read (docs/hold-api.md, "Ordering answers")', () => {
  /** Blocks this process for `ms`, so that instants taken before and after it differ. */
  function stall(ms: number): void {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      /* the instants around the lookup must differ */
    }
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

  it("a resume that moves nothing: the window is the queue read's, not the lookup's", async () => {
    // A bridged call that was never held: the resume reads the queues and moves nothing.
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

  it("a resume that moves the caller: the window is the update's, after the queue read", async () => {
    await apply('hold');
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

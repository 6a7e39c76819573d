// POST /hold and POST /unhold in conference mode, through the real handlers and the real twilio
// SDK against the emulator (tests/support/emulated-twilio.ts): a caller in its conference with the
// agent, and the exact REST requests the handlers make, read from the emulator's log. Two answers
// the emulator cannot give (an update applied whose answer never arrives; Twilio's 13238 refusal)
// are injected by the recording stand-in in front of it (tests/support/fake-twilio-api.ts).
import { handler as holdHandler } from '../../functions/hold';
import { handler as unholdHandler } from '../../functions/unhold';
import { startTwilioProxy, twilioError, type FakeTwilioApi } from '../support/fake-twilio-api';
import { ACCOUNT_SID, AUTH_TOKEN, callInConference, startEmulatedTwilio, type EmulatedTwilio } from '../support/emulated-twilio';
import twilio from 'twilio';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';

/** appliedAt: an ISO 8601 instant with milliseconds (docs/hold-api.md, "Ordering answers"). */
const ISO_MS = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const TOKEN = 'a-long-random-control-token';
const OTHER_CONFERENCE = 'CF' + 'd'.repeat(32);
/** A well-formed CallSid for the requests refused before any REST (the table is built before the call is). */
const A_CALL = 'CA' + '1'.repeat(32);
const CONFERENCES = `/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences.json`;

let api: EmulatedTwilio;
let CALLER: string;
let CONFERENCE: string;
let AGENT: string;
let PARTICIPANTS: string;

beforeEach(async () => {
  api = await startEmulatedTwilio();
  ({ caller: CALLER, conference: CONFERENCE, agent: AGENT } = await callInConference(api));
  PARTICIPANTS = `/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences/${CONFERENCE}/Participants`;
});

afterEach(() => api.close());

function context(env: Record<string, string> = {}) {
  return functionContext({
    ACCOUNT_SID,
    AUTH_TOKEN,
    HOLD_API_TOKEN: TOKEN,
    AGENT_NUMBER: '+15550100001',
    TWILIO_API_BASE_URL: api.url,
    ...env,
  });
}

describe('authorization', () => {
  it('answers 401 with WWW-Authenticate when there is no token', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, request: { headers: {}, cookies: {} } });
    expect(reply.statusCode).toBe(401);
    expect(reply.headers['WWW-Authenticate']).toMatch(/^Bearer /);
    expect(api.requests()).toHaveLength(0);
  });

  it('answers 401 for a wrong token, including a prefix of the right one', async () => {
    for (const wrong of ['nope', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(wrong) });
      expect(reply.statusCode).toBe(401);
    }
    expect(api.requests()).toHaveLength(0);
  });

  it('answers 401 for a non-Bearer scheme', async () => {
    const reply = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      request: { headers: { authorization: `Basic ${TOKEN}` }, cookies: {} },
    });
    expect(reply.statusCode).toBe(401);
  });

  it('refuses every request with 500 "not configured" when HOLD_API_TOKEN is unset', async () => {
    const reply = await invokeFunction(holdHandler, context({ HOLD_API_TOKEN: '' }), { CallSid: CALLER, ...bearer('') });
    expect(reply.statusCode).toBe(500);
    expect(JSON.stringify(reply.body)).toMatch(/not configured/);
    expect(JSON.stringify(reply.body)).not.toMatch(/at .*\.ts:\d+/);
  });
});

describe('validation', () => {
  const cases: [string, Record<string, unknown>, RegExp][] = [
    ['missing CallSid', {}, /CallSid is required/],
    ['malformed CallSid', { CallSid: 'CA123' }, /CallSid must be/],
    ['uppercase hex CallSid', { CallSid: 'CA' + 'A'.repeat(32) }, /CallSid must be/],
    ['non-string CallSid (JSON body)', { CallSid: 42 }, /CallSid must be a string/],
    ['malformed ConferenceSid', { CallSid: A_CALL, ConferenceSid: 'CA' + '1'.repeat(32) }, /ConferenceSid must be/],
    ['unknown Participant', { CallSid: A_CALL, Participant: 'boss' }, /Participant must be/],
    ['malformed AgentCallSid', { CallSid: A_CALL, AgentCallSid: 'x' }, /AgentCallSid must be/],
  ];
  it.each(cases)('answers 400 for %s', async (_name, body, message) => {
    const reply = await invokeFunction(holdHandler, context(), { ...body, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toMatchObject({ error: 'bad-input' });
    expect((reply.body as { message: string }).message).toMatch(message);
    expect(api.requests()).toHaveLength(0);
  });

  it('answers 500 for an invalid HOLD_MODE', async () => {
    const reply = await invokeFunction(holdHandler, context({ HOLD_MODE: 'party-line' }), { CallSid: A_CALL, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(500);
    expect((reply.body as { message: string }).message).toMatch(/HOLD_MODE/);
  });
});

describe('hold and resume', () => {
  it('holds the caller with ONE request when the ConferenceSid is given, addressing it by its CallSid', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'conference',
      held: true,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      conferenceSid: CONFERENCE,
    });
    expect(api.requests()).toHaveLength(1);
    const [update] = api.requests();
    expect(update.method).toBe('POST');
    expect(update.path).toBe(`${PARTICIPANTS}/${CALLER}.json`);
    expect(Object.fromEntries(update.form)).toEqual({
      Hold: 'true',
      HoldUrl: 'http://localhost:3000/hold-music',
      HoldMethod: 'POST',
    });
    // Answered: the emulator answers only Basic auth with ACCOUNT_SID and AUTH_TOKEN (401 otherwise).
    expect(update.status).toBe(200);
  });

  it('finds the live conference by friendly name AND status when no ConferenceSid is given', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${CONFERENCES}`, `POST ${PARTICIPANTS}/${CALLER}.json`]);
    expect(api.requests()[0].query.get('FriendlyName')).toBe(CALLER);
    expect(api.requests()[0].query.get('Status')).toBe('in-progress');
  });

  it('holds the agent when Participant=agent: one read binds the ConferenceSid to the call, then the update by label', async () => {
    const reply = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      Participant: 'agent',
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${PARTICIPANTS}/${CALLER}.json`,
      `POST ${PARTICIPANTS}/agent.json`,
    ]);
    // The agent's leg comes back, to be passed as AgentCallSid next time.
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'conference',
      held: true,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      conferenceSid: CONFERENCE,
      agentCallSid: AGENT,
    });
  });

  it('addresses the agent by the AgentCallSid an earlier answer gave (Twilio checks it is in that conference)', async () => {
    const reply = await invokeFunction(unholdHandler, context(), {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      AgentCallSid: AGENT,
      Participant: 'agent',
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${PARTICIPANTS}/${CALLER}.json`,
      `POST ${PARTICIPANTS}/${AGENT}.json`,
    ]);
  });

  it("refuses Participant=agent with another call's ConferenceSid: 404 and no update of anybody", async () => {
    const reply = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      ConferenceSid: OTHER_CONFERENCE,
      Participant: 'agent',
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(404);
    expect(api.requests().map((r) => r.method)).toEqual(['GET']);
    expect(api.requests()[0].path).toContain(`/Conferences/${OTHER_CONFERENCE}/Participants/${CALLER}.json`);
  });

  it('resumes with Hold=false and nothing else', async () => {
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({
      callSid: CALLER,
      mode: 'conference',
      held: false,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      conferenceSid: CONFERENCE,
    });
    expect(Object.fromEntries(api.requests()[0].form)).toEqual({ Hold: 'false' });
  });

  it('builds an https holdUrl on a deployed domain', async () => {
    const deployed = functionContext(
      { ACCOUNT_SID: ACCOUNT_SID, AUTH_TOKEN: AUTH_TOKEN, HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: api.url },
      'call-hold-1234-dev.twil.io',
    );
    await invokeFunction(holdHandler, deployed, { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(api.requests()[0].form.get('HoldUrl')).toBe('https://call-hold-1234-dev.twil.io/hold-music');
  });

  it('under twilio-run behind --ngrok (DOMAIN_NAME is localhost), builds the holdUrl on the host the request came through', async () => {
    const throughTunnel = { request: { headers: { authorization: `Bearer ${TOKEN}`, host: 'abc123.ngrok-free.app' }, cookies: {} } };
    await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...throughTunnel });
    expect(api.requests()[0].form.get('HoldUrl')).toBe('https://abc123.ngrok-free.app/hold-music');
  });

  it('deployed, ignores a Host header', async () => {
    const deployed = functionContext(
      { ACCOUNT_SID: ACCOUNT_SID, AUTH_TOKEN: AUTH_TOKEN, HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: api.url },
      'call-hold-1234-dev.twil.io',
    );
    const forgedHost = { request: { headers: { authorization: `Bearer ${TOKEN}`, host: 'evil.example.com' }, cookies: {} } };
    await invokeFunction(holdHandler, deployed, { CallSid: CALLER, ConferenceSid: CONFERENCE, ...forgedHost });
    expect(api.requests()[0].form.get('HoldUrl')).toBe('https://call-hold-1234-dev.twil.io/hold-music');
  });

  it('is a 200 no-op to hold a held caller or resume a live one', async () => {
    const first = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    const second = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    // The same answer but for when each was applied.
    expect({ ...(second.body as object), appliedAfter: 0, appliedAt: 0 }).toEqual({
      ...(first.body as object),
      appliedAfter: 0,
      appliedAt: 0,
    });
    const resumed = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    const again = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect([resumed.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.body).toEqual({
      callSid: CALLER,
      mode: 'conference',
      held: false,
      appliedAfter: ISO_MS,
      appliedAt: ISO_MS,
      conferenceSid: CONFERENCE,
    });
  });

  it('accepts a JSON-style event the same as form fields', async () => {
    const reply = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      Participant: 'caller',
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(200);
  });
});

describe("with HOLD_MAX_SECONDS: the limit's timer is the agent's holdUrl (docs/hold-experience.md)", () => {
  const limited = () => context({ HOLD_MAX_SECONDS: '600' });

  it('holds the caller with the music alone, then the agent with /agent-hold-timer: 2 updates with ConferenceSid', async () => {
    const reply = await invokeFunction(holdHandler, limited(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toMatchObject({ held: true, conferenceSid: CONFERENCE });
    expect(api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `POST ${PARTICIPANTS}/${CALLER}.json`,
      `POST ${PARTICIPANTS}/agent.json`,
    ]);
    const [caller, agent] = api.requests().map((r) => Object.fromEntries(r.form));
    expect(caller).toEqual({ Hold: 'true', HoldUrl: 'http://localhost:3000/hold-music', HoldMethod: 'POST' });
    expect(agent).toEqual({
      Hold: 'true',
      HoldUrl: `http://localhost:3000/agent-hold-timer?CallerCallSid=${CALLER}&HeldFor=0`,
      HoldMethod: 'POST',
    });
  });

  it('resumes the agent first, then the caller: 1 read binding the conference to the call, 2 updates', async () => {
    await invokeFunction(holdHandler, limited(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    const from = api.requests().length;
    const reply = await invokeFunction(unholdHandler, limited(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toMatchObject({ held: false, conferenceSid: CONFERENCE });
    expect(
      api
        .requests()
        .slice(from)
        .map((r) => `${r.method} ${r.path} ${r.form.get('Hold') ?? ''}`.trim()),
    ).toEqual([`GET ${PARTICIPANTS}/${CALLER}.json`, `POST ${PARTICIPANTS}/agent.json false`, `POST ${PARTICIPANTS}/${CALLER}.json false`]);
  });

  it("refuses a resume with another call's ConferenceSid: 404 and nobody moved", async () => {
    const reply = await invokeFunction(unholdHandler, limited(), { CallSid: CALLER, ConferenceSid: OTHER_CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(api.requests().map((r) => r.method)).toEqual(['GET']);
  });

  it("Participant=agent is the agent's own hold, with the music, as without a limit", async () => {
    const reply = await invokeFunction(holdHandler, limited(), { CallSid: CALLER, Participant: 'agent', ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().at(-1)!.form.get('HoldUrl')).toBe('http://localhost:3000/hold-music');
  });
});

describe('calls that cannot be held', () => {
  it('answers 404 when no conference of that call is live', async () => {
    await api.emu.hangup(CALLER);
    await api.emu.settle();
    api.mark();
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(api.requests().map((r) => r.query.get('Status'))).toEqual(['in-progress', 'init']);
  });

  it('answers 409 while the conference waits for the agent (status init)', async () => {
    const waiting = await callInConference(api, { agentAnswers: false });
    const reply = await invokeFunction(holdHandler, context(), { CallSid: waiting.caller, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(409);
    expect(api.requests().every((r) => r.method === 'GET')).toBe(true);
  });

  it("answers 404 with Twilio's code when the participant has left", async () => {
    await api.emu.hangup(CALLER);
    await api.emu.settle();
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found', twilio: { code: 20404 } });
  });

  it('answers 500 when Twilio rejects the credentials', async () => {
    const reply = await invokeFunction(holdHandler, context({ AUTH_TOKEN: 'not-the-auth-token' }), {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(500);
    expect((reply.body as { message: string }).message).toMatch(/credentials/);
  });

  it('retries a 429 and then succeeds', async () => {
    api.emu.faults.add({ target: 'rest', status: 429, count: 1 });
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    const attempts = api.requests().length;
    expect(attempts).toBe(2);
  });
});

/**
 * Answers the emulator cannot give, injected by the recording stand-in in front of it: an update
 * Twilio applied whose answer never arrives, and a refusal with a code the emulator never sends.
 */
describe('answers injected by the stand-in', () => {
  let fake: FakeTwilioApi;
  afterEach(() => fake.close());

  function fakeContext() {
    return functionContext({ ACCOUNT_SID, AUTH_TOKEN, HOLD_API_TOKEN: TOKEN, AGENT_NUMBER: '+15550100001', TWILIO_API_BASE_URL: fake.url });
  }

  it('a participant update with no answer in time is a 504 "outcome unknown" with the state read back', async () => {
    let updates = 0;
    fake = await startTwilioProxy(api.url, (request) => {
      if (request.method !== 'POST') return undefined;
      updates += 1;
      return { applied: 'hang' }; // Twilio acted, but its answer never arrives
    });
    const impatient = { ...fakeContext(), getTwilioClient: () => twilio(ACCOUNT_SID, AUTH_TOKEN, { timeout: 300 }) };
    const reply = await invokeFunction(holdHandler, impatient as typeof impatient & ReturnType<typeof fakeContext>, {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(504);
    expect(reply.body).toMatchObject({ error: 'outcome-unknown', outcome: 'unknown', callSid: CALLER, held: true });
    expect(updates).toBe(1);
    expect(fake.requests.at(-1)).toMatchObject({ method: 'GET', path: `${PARTICIPANTS}/${CALLER}.json` });
  });

  it("answers 502 with Twilio's code and message for other Twilio errors, never a stack trace", async () => {
    fake = await startTwilioProxy(api.url, (request) =>
      request.method === 'POST' ? twilioError(400, 13238, 'Invalid Hold URL verb') : undefined,
    );
    const reply = await invokeFunction(holdHandler, fakeContext(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ error: 'upstream', twilio: { code: 13238, message: 'Invalid Hold URL verb', status: 400 } });
    expect(JSON.stringify(reply.body)).not.toMatch(/\n\s+at /);
  });
});

describe('the window in which Twilio applied the update (docs/hold-api.md, "Ordering answers")', () => {
  /** Blocks this process for `ms`, so that instants taken before and after it differ. */
  function stall(ms: number): void {
    const until = Date.now() + ms;
    while (Date.now() < until) {
      /* the instants around the lookup must differ */
    }
  }

  let fake: FakeTwilioApi | undefined;
  afterEach(async () => {
    await fake?.close();
    fake = undefined;
  });

  it('opens after the lookup, before the update (every attempt of it) was sent, and closes after its answer', async () => {
    const seen: { method: string; at: number }[] = [];
    let limited = 1;
    fake = await startTwilioProxy(api.url, (request) => {
      seen.push({ method: request.method, at: Date.now() });
      if (request.method === 'GET') stall(30);
      if (request.method === 'POST' && limited-- > 0) return twilioError(429, 20429, 'Too Many Requests');
      return undefined;
    });
    const lookupAnswered = () => seen[0].at + 30;
    const reply = await invokeFunction(holdHandler, context({ TWILIO_API_BASE_URL: fake.url }), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    const { appliedAfter, appliedAt } = reply.body as { appliedAfter: string; appliedAt: string };
    const updates = seen.filter((r) => r.method === 'POST');
    expect(updates).toHaveLength(2);
    expect(Date.parse(appliedAfter)).toBeGreaterThanOrEqual(lookupAnswered());
    expect(Date.parse(appliedAfter)).toBeLessThanOrEqual(updates[0].at);
    expect(Date.parse(appliedAt)).toBeGreaterThanOrEqual(updates[1].at);
  });
});

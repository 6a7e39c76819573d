// POST /hold and POST /unhold in conference mode, through the real handlers and the real twilio
// SDK against a recording stand-in for api.twilio.com.
import { handler as holdHandler } from '../../functions/hold';
import { handler as unholdHandler } from '../../functions/unhold';
import {
  conferenceListJson,
  participantJson,
  startFakeTwilioApi,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  twilioError,
  type FakeTwilioApi,
} from '../support/fake-twilio-api';
import twilio from 'twilio';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';

/** appliedAt: an ISO 8601 instant with milliseconds (docs/hold-api.md, "Ordering answers"). */
const ISO_MS = expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/);

const TOKEN = 'a-long-random-control-token';
const CALLER = 'CA' + '1'.repeat(32);
const CONFERENCE = 'CF' + 'c'.repeat(32);
const AGENT = 'CA' + 'a'.repeat(32);
const OTHER_CONFERENCE = 'CF' + 'd'.repeat(32);
const PARTICIPANTS = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Conferences/${CONFERENCE}/Participants`;
const CONFERENCES = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Conferences.json`;

let api: FakeTwilioApi;
let held = false;

beforeEach(async () => {
  held = false;
  api = await startFakeTwilioApi((request) => {
    if (request.path === CONFERENCES) {
      const status = request.query.get('Status');
      return { status: 200, body: conferenceListJson(status === 'in-progress' ? [{ sid: CONFERENCE, friendlyName: CALLER, status }] : []) };
    }
    // The caller is addressed by its CallSid, the agent by its label or its call SID.
    const participant = new RegExp(`/Participants/(${CALLER}|agent|${AGENT})\\.json$`).exec(request.path);
    if (participant && request.path.startsWith(PARTICIPANTS)) {
      if (request.method === 'POST') held = request.form.get('Hold') === 'true';
      const isCaller = participant[1] === CALLER;
      const body = participantJson({ conferenceSid: CONFERENCE, callSid: isCaller ? CALLER : AGENT, label: isCaller ? 'caller' : 'agent', hold: held });
      return { status: 200, body };
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
    expect(api.requests).toHaveLength(0);
  });

  it('answers 401 for a wrong token, including a prefix of the right one', async () => {
    for (const wrong of ['nope', TOKEN.slice(0, -1), `${TOKEN}x`]) {
      const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(wrong) });
      expect(reply.statusCode).toBe(401);
    }
    expect(api.requests).toHaveLength(0);
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
    ['malformed ConferenceSid', { CallSid: CALLER, ConferenceSid: 'CA' + '1'.repeat(32) }, /ConferenceSid must be/],
    ['unknown Participant', { CallSid: CALLER, Participant: 'boss' }, /Participant must be/],
    ['malformed AgentCallSid', { CallSid: CALLER, AgentCallSid: 'x' }, /AgentCallSid must be/],
  ];
  it.each(cases)('answers 400 for %s', async (_name, body, message) => {
    const reply = await invokeFunction(holdHandler, context(), { ...body, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(400);
    expect(reply.body).toMatchObject({ error: 'bad-input' });
    expect((reply.body as { message: string }).message).toMatch(message);
    expect(api.requests).toHaveLength(0);
  });

  it('answers 500 for an invalid HOLD_MODE', async () => {
    const reply = await invokeFunction(holdHandler, context({ HOLD_MODE: 'party-line' }), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(500);
    expect((reply.body as { message: string }).message).toMatch(/HOLD_MODE/);
  });
});

describe('hold and resume', () => {
  it('holds the caller with ONE request when the ConferenceSid is given, addressing it by its CallSid', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'conference', held: true, appliedAfter: ISO_MS, appliedAt: ISO_MS, conferenceSid: CONFERENCE });
    expect(api.requests).toHaveLength(1);
    const [update] = api.requests;
    expect(update.method).toBe('POST');
    expect(update.path).toBe(`${PARTICIPANTS}/${CALLER}.json`);
    expect(Object.fromEntries(update.form)).toEqual({
      Hold: 'true',
      HoldUrl: 'http://localhost:3000/hold-music',
      HoldMethod: 'POST',
    });
    expect(update.authorization).toBe(`Basic ${Buffer.from(`${TEST_ACCOUNT_SID}:${TEST_AUTH_TOKEN}`).toString('base64')}`);
  });

  it('finds the live conference by friendly name AND status when no ConferenceSid is given', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${CONFERENCES}`,
      `POST ${PARTICIPANTS}/${CALLER}.json`,
    ]);
    expect(api.requests[0].query.get('FriendlyName')).toBe(CALLER);
    expect(api.requests[0].query.get('Status')).toBe('in-progress');
  });

  it('holds the agent when Participant=agent: one read binds the ConferenceSid to the call, then the update by label', async () => {
    const reply = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      Participant: 'agent',
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(200);
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${PARTICIPANTS}/${CALLER}.json`,
      `POST ${PARTICIPANTS}/agent.json`,
    ]);
    // The agent's leg comes back, to be passed as AgentCallSid next time.
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'conference', held: true, appliedAfter: ISO_MS, appliedAt: ISO_MS, conferenceSid: CONFERENCE, agentCallSid: AGENT });
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
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${PARTICIPANTS}/${CALLER}.json`,
      `POST ${PARTICIPANTS}/${AGENT}.json`,
    ]);
  });

  it('refuses Participant=agent with another call\'s ConferenceSid: 404 and no update of anybody', async () => {
    const reply = await invokeFunction(holdHandler, context(), {
      CallSid: CALLER,
      ConferenceSid: OTHER_CONFERENCE,
      Participant: 'agent',
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(404);
    expect(api.requests.map((r) => r.method)).toEqual(['GET']);
    expect(api.requests[0].path).toContain(`/Conferences/${OTHER_CONFERENCE}/Participants/${CALLER}.json`);
  });

  it('a participant update with no answer in time is a 504 "outcome unknown" with the state read back', async () => {
    let updates = 0;
    const route = api.route;
    api.route = (request) => {
      if (request.method === 'POST') {
        updates += 1;
        held = true; // Twilio acted, but its answer never arrives
        return 'hang';
      }
      return route(request);
    };
    const impatient = { ...context(), getTwilioClient: () => twilio(TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, { timeout: 300 }) };
    const reply = await invokeFunction(holdHandler, impatient as typeof impatient & ReturnType<typeof context>, {
      CallSid: CALLER,
      ConferenceSid: CONFERENCE,
      ...bearer(TOKEN),
    });
    expect(reply.statusCode).toBe(504);
    expect(reply.body).toMatchObject({ error: 'outcome-unknown', outcome: 'unknown', callSid: CALLER, held: true });
    expect(updates).toBe(1);
    expect(api.requests.at(-1)).toMatchObject({ method: 'GET', path: `${PARTICIPANTS}/${CALLER}.json` });
  });

  it('resumes with Hold=false and nothing else', async () => {
    const reply = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(reply.body).toEqual({ callSid: CALLER, mode: 'conference', held: false, appliedAfter: ISO_MS, appliedAt: ISO_MS, conferenceSid: CONFERENCE });
    expect(Object.fromEntries(api.requests[0].form)).toEqual({ Hold: 'false' });
  });

  it('builds an https holdUrl on a deployed domain', async () => {
    const deployed = functionContext(
      { ACCOUNT_SID: TEST_ACCOUNT_SID, AUTH_TOKEN: TEST_AUTH_TOKEN, HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: api.url },
      'call-hold-1234-dev.twil.io',
    );
    await invokeFunction(holdHandler, deployed, { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(api.requests[0].form.get('HoldUrl')).toBe('https://call-hold-1234-dev.twil.io/hold-music');
  });

  it('under twilio-run behind --ngrok (DOMAIN_NAME is localhost), builds the holdUrl on the host the request came through', async () => {
    const throughTunnel = { request: { headers: { authorization: `Bearer ${TOKEN}`, host: 'abc123.ngrok-free.app' }, cookies: {} } };
    await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...throughTunnel });
    expect(api.requests[0].form.get('HoldUrl')).toBe('https://abc123.ngrok-free.app/hold-music');
  });

  it('deployed, ignores a Host header', async () => {
    const deployed = functionContext(
      { ACCOUNT_SID: TEST_ACCOUNT_SID, AUTH_TOKEN: TEST_AUTH_TOKEN, HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: api.url },
      'call-hold-1234-dev.twil.io',
    );
    const forgedHost = { request: { headers: { authorization: `Bearer ${TOKEN}`, host: 'evil.example.com' }, cookies: {} } };
    await invokeFunction(holdHandler, deployed, { CallSid: CALLER, ConferenceSid: CONFERENCE, ...forgedHost });
    expect(api.requests[0].form.get('HoldUrl')).toBe('https://call-hold-1234-dev.twil.io/hold-music');
  });

  it('is a 200 no-op to hold a held caller or resume a live one', async () => {
    const first = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    const second = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect([first.statusCode, second.statusCode]).toEqual([200, 200]);
    // The same answer but for when each was applied.
    expect({ ...(second.body as object), appliedAfter: 0, appliedAt: 0 }).toEqual({ ...(first.body as object), appliedAfter: 0, appliedAt: 0 });
    const resumed = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    const again = await invokeFunction(unholdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect([resumed.statusCode, again.statusCode]).toEqual([200, 200]);
    expect(again.body).toEqual({ callSid: CALLER, mode: 'conference', held: false, appliedAfter: ISO_MS, appliedAt: ISO_MS, conferenceSid: CONFERENCE });
  });

  it('accepts a JSON-style event the same as form fields', async () => {
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, Participant: 'caller', ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
  });
});

describe('calls that cannot be held', () => {
  it('answers 404 when no conference of that call is live', async () => {
    api.route = (request) =>
      request.path === CONFERENCES ? { status: 200, body: conferenceListJson([]) } : twilioError(404, 20404, 'not found');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(api.requests.map((r) => r.query.get('Status'))).toEqual(['in-progress', 'init']);
  });

  it('answers 409 while the conference waits for the agent (status init)', async () => {
    api.route = (request) => {
      const status = request.query.get('Status');
      return { status: 200, body: conferenceListJson(status === 'init' ? [{ sid: CONFERENCE, friendlyName: CALLER, status }] : []) };
    };
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(409);
    expect(api.requests.every((r) => r.method === 'GET')).toBe(true);
  });

  it('answers 404 with Twilio\'s code when the participant has left', async () => {
    api.route = () => twilioError(404, 20404, 'The requested resource /Participants/caller.json was not found');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toMatchObject({ error: 'not-found', twilio: { code: 20404 } });
  });

  it('answers 502 with Twilio\'s code and message for other Twilio errors, never a stack trace', async () => {
    api.route = () => twilioError(400, 13238, 'Invalid Hold URL verb');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ error: 'upstream', twilio: { code: 13238, message: 'Invalid Hold URL verb', status: 400 } });
    expect(JSON.stringify(reply.body)).not.toMatch(/\n\s+at /);
  });

  it('answers 500 when Twilio rejects the credentials', async () => {
    api.route = () => twilioError(401, 20003, 'Authenticate');
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(500);
    expect((reply.body as { message: string }).message).toMatch(/credentials/);
  });

  it('retries a 429 and then succeeds', async () => {
    let attempts = 0;
    api.route = (request) => {
      attempts += 1;
      if (attempts === 1) return twilioError(429, 20429, 'Too Many Requests');
      return { status: 200, body: participantJson({ conferenceSid: CONFERENCE, callSid: CALLER, label: 'caller', hold: request.form.get('Hold') === 'true' }) };
    };
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ConferenceSid: CONFERENCE, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    expect(attempts).toBe(2);
  });
});

describe('the window in which Twilio applied the update (docs/hold-api.md, "Ordering answers")', () => {
  /** Blocks this process for `ms`, so that instants taken before and after it differ. */
  function stall(ms: number): void {
    const until = Date.now() + ms;
    while (Date.now() < until) { /* the instants around the lookup must differ */ }
  }

  it('opens after the lookup, before the update (every attempt of it) was sent, and closes after its answer', async () => {
    const seen: { method: string; at: number }[] = [];
    const route = api.route;
    let limited = 1;
    api.route = (request) => {
      seen.push({ method: request.method, at: Date.now() });
      if (request.method === 'GET') stall(30);
      if (request.method === 'POST' && limited-- > 0) return twilioError(429, 20429, 'Too Many Requests');
      return route(request);
    };
    const lookupAnswered = () => seen[0].at + 30;
    const reply = await invokeFunction(holdHandler, context(), { CallSid: CALLER, ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(200);
    const { appliedAfter, appliedAt } = reply.body as { appliedAfter: string; appliedAt: string };
    const updates = seen.filter((r) => r.method === 'POST');
    expect(updates).toHaveLength(2);
    expect(Date.parse(appliedAfter)).toBeGreaterThanOrEqual(lookupAnswered());
    expect(Date.parse(appliedAfter)).toBeLessThanOrEqual(updates[0].at);
    expect(Date.parse(appliedAt)).toBeGreaterThanOrEqual(updates[1].at);
  });
});

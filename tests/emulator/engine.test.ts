// The engine's verbs, TwiML checks, application errors, faults, signatures, the clock and the control API.
import twilio from 'twilio';
import { APPLICATION_ERROR_TEXT } from '../../emulator';
import { parseTwiml } from '../../emulator/twiml/parse';
import { AGENT, AUTH_TOKEN, BUSINESS, CALLER, type Harness, startHarness } from './support/harness';
import { twiml } from './support/webhook-server';

let h: Harness;
beforeEach(async () => {
  h = await startHarness();
});
afterEach(() => h.close());

async function call(doc: string): Promise<string> {
  h.web.on('/incoming', twiml(doc));
  const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
  await h.emu.settle();
  return sid;
}

describe('TwiML parser rejects what Twilio rejects', () => {
  it.each([
    ['<Response><Foo/></Response>', 12200],
    ['<Response><Say>unclosed</Response>', 12100],
    ['<Nope/>', 12100],
    ['<Response><Dial><Conference>a</Conference><Number>+1</Number></Dial></Response>', 12200],
    ['<Response><Say><Play>x</Play></Say></Response>', 12200],
    ['<Response><Pause length="abc"/></Response>', 12200],
    ['<Response><Record/></Response>', 12200],
  ])('%s -> %i', (xml, code) => {
    const r = parseTwiml(xml, 'voice');
    expect(r.ok ? 0 : r.error.code).toBe(code);
  });
  it('limits holdUrl documents to Play, Say, Pause, Redirect (13238)', () => {
    const r = parseTwiml('<Response><Hangup/></Response>', 'hold');
    expect(r.ok ? 0 : r.error.code).toBe(13238);
    expect(parseTwiml('<Response><Say>a</Say><Play>u.mp3</Play><Pause/><Redirect>/x</Redirect></Response>', 'hold').ok).toBe(true);
  });
});

describe('verbs', () => {
  it('Say lasts an estimate of its text, then the document runs out and the call ends', async () => {
    const sid = await call('<Say>hello there</Say>');
    expect(h.emu.call(sid)?.status).toBe('in-progress');
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'hello there' });
    await h.emu.advance(1000);
    expect(h.emu.call(sid)?.status).toBe('completed');
    expect(h.emu.hears(sid)).toBeUndefined();
  });
  it('Play lasts audioDurationMs per loop; Pause lasts its length', async () => {
    const sid = await call('<Play loop="2">https://x.test/a.mp3</Play><Pause length="5"/><Say>end</Say>');
    await h.emu.advance(59_999);
    expect(h.emu.hears(sid)?.kind).toBe('music');
    await h.emu.advance(1);
    expect(h.emu.hears(sid)).toEqual({ kind: 'silence' });
    await h.emu.advance(5000);
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'end' });
  });
  it('Redirect resolves relative URLs and uses POST by default; Gather times out without input', async () => {
    h.web.on('/next', twiml('<Gather timeout="3"><Say>press</Say></Gather><Say>no input</Say>'));
    const sid = await call('<Redirect>next</Redirect>');
    expect(h.web.hitsTo('/next')[0].method).toBe('POST');
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'press' });
    await h.emu.advance(4000);
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'no input' });
  });
  it('Hangup ends the call; Reject leaves it unanswered (busy / no-answer)', async () => {
    const a = await call('<Hangup/>');
    expect(h.emu.call(a)?.status).toBe('completed');
    const b = await call('<Reject reason="busy"/>');
    expect(h.emu.call(b)?.status).toBe('busy');
    const c = await call('<Reject/>');
    expect(h.emu.call(c)?.status).toBe('no-answer');
    expect(h.emu.call(c)?.answeredAt).toBeUndefined();
  });
  it('Dial of Client and Sip with a failing party reports failed', async () => {
    h.emu.setParty('client:alice', { behavior: 'fail' });
    h.web.on('/act', twiml('<Hangup/>'));
    await call('<Dial action="/act"><Client>alice</Client></Dial>');
    await h.emu.settle();
    expect(h.web.hitsTo('/act')[0].params.DialCallStatus).toBe('failed');
    const s = await call('<Dial><Sip>sip:bob@example.test</Sip></Dial><Say>after</Say>');
    await h.emu.advance(2000);
    const [child] = await h.client.calls.list({ parentCallSid: s });
    expect(child.to).toBe('sip:bob@example.test');
  });
  it('answers a ringing leg now from the control API', async () => {
    h.emu.setParty(AGENT, { behavior: 'no-answer' });
    const parent = await call(`<Dial>${AGENT}</Dial>`);
    const [child] = await h.client.calls.list({ parentCallSid: parent });
    await h.emu.answer(child.sid);
    expect(h.emu.hears(parent)).toEqual({ kind: 'party', callSids: [child.sid] });
  });
});

describe('application errors', () => {
  it('invalid TwiML: the caller hears the application error and the call ends', async () => {
    const sid = await call('<Bogus/>');
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: APPLICATION_ERROR_TEXT });
    await h.emu.advance(10_000);
    expect(h.emu.call(sid)?.status).toBe('completed');
    expect(h.emu.log().some((e) => e.type === 'error' && e.detail?.code === 12200)).toBe(true);
  });
  it('a failing webhook (HTTP 500) is error 11200', async () => {
    h.web.on('/incoming', { status: 500 });
    const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: APPLICATION_ERROR_TEXT });
    expect(h.emu.log().some((e) => e.detail?.code === 11200)).toBe(true);
  });
});

describe('faults', () => {
  it('a webhook slower than 15 s fails like Twilio (11200 -> application error), on the virtual clock', async () => {
    h.emu.faults.add({ target: 'webhook', url: /incoming/, latencyMs: 16_000 });
    h.web.on('/incoming', twiml('<Say>too late</Say>'));
    const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(14_999);
    expect(h.emu.hears(sid)).toEqual({ kind: 'ringing' });
    await h.emu.advance(1);
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: APPLICATION_ERROR_TEXT });
    expect(h.web.hitsTo('/incoming')).toHaveLength(0);
  });
  it('a slow but in-time webhook is answered after its latency', async () => {
    h.emu.faults.add({ target: 'webhook', url: /incoming/, latencyMs: 3000, count: 1 });
    h.web.on('/incoming', twiml('<Say>in time</Say>'));
    const sid = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.advance(2999);
    expect(h.emu.hears(sid)).toEqual({ kind: 'ringing' });
    await h.emu.advance(1);
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'in time' });
  });
  it('injects 429 on REST by method, path and count (Twilio error body, code 20429)', async () => {
    h.emu.faults.add({ target: 'rest', method: 'POST', path: /Participants/, status: 429, count: 2 });
    const create = () => h.client.conferences('f').participants.create({ from: BUSINESS, to: AGENT });
    await expect(create()).rejects.toMatchObject({ status: 429, code: 20429, moreInfo: 'https://www.twilio.com/docs/errors/20429' });
    await expect(create()).rejects.toMatchObject({ status: 429 });
    await expect(create()).resolves.toMatchObject({ status: expect.any(String) });
    expect((await h.client.calls.list()).length).toBeGreaterThan(0);
  });
  it('lets the first `skip` matching requests through, then applies the fault `count` times', async () => {
    h.emu.faults.add({ target: 'rest', status: 500, skip: 2, count: 1 });
    await expect(h.client.calls.list()).resolves.toEqual([]);
    await expect(h.client.queues.list()).resolves.toEqual([]);
    await expect(h.client.calls.list()).rejects.toMatchObject({ status: 500, code: 20500 });
    await expect(h.client.calls.list()).resolves.toEqual([]);
    expect(h.emu.faults.list()).toEqual([]);
  });
  it('injects 503 and latency', async () => {
    h.emu.faults.add({ target: 'rest', path: '/Calls.json', status: 503, latencyMs: 50, count: 1 });
    const t0 = Date.now();
    await expect(h.client.calls.list()).rejects.toMatchObject({ status: 503 });
    expect(Date.now() - t0).toBeGreaterThanOrEqual(45);
    h.emu.faults.clear();
    await expect(h.client.calls.list()).resolves.toEqual([]);
  });
});

describe('REST auth and errors', () => {
  it('401 code 20003 with a wrong token or another account in the path', async () => {
    const bad = twilio(h.emu.accountSid, 'wrong');
    bad.api.baseUrl = h.emu.url;
    await expect(bad.calls.list()).rejects.toMatchObject({ status: 401, code: 20003 });
    const res = await fetch(`${h.emu.url}/2010-04-01/Accounts/AC${'f'.repeat(32)}/Calls.json`, {
      headers: { Authorization: 'Basic ' + Buffer.from(`${h.emu.accountSid}:${AUTH_TOKEN}`).toString('base64') },
    });
    expect(res.status).toBe(401);
    expect(await res.json()).toMatchObject({ code: 20003, status: 401, more_info: 'https://www.twilio.com/docs/errors/20003' });
  });
  it('unknown parameters are refused by the OpenAPI check', async () => {
    const res = await fetch(`${h.emu.url}/2010-04-01/Accounts/${h.emu.accountSid}/Calls.json`, {
      method: 'POST',
      headers: { Authorization: 'Basic ' + Buffer.from(`${h.emu.accountSid}:${AUTH_TOKEN}`).toString('base64') },
      body: new URLSearchParams({ To: AGENT, From: BUSINESS, Url: 'http://x.test/', Bogus: '1' }),
    });
    expect(res.status).toBe(400);
  });
});

describe('webhook signatures', () => {
  it('signs POST and GET webhooks with X-Twilio-Signature that twilio.validateRequest accepts', async () => {
    h.web.on('/hold', twiml('<Pause length="100"/>'));
    h.web.on('/incoming', twiml('<Dial><Conference>sig</Conference></Dial>'));
    const caller = await h.emu.placeCall({ from: CALLER, to: BUSINESS });
    await h.emu.settle();
    const p = await h.client.conferences('sig').participants.create({ from: BUSINESS, to: AGENT });
    await h.emu.advance(2000);
    await h.client
      .conferences(p.conferenceSid)
      .participants(caller)
      .update({ hold: true, holdUrl: h.web.url('/hold?x=1') });
    await h.emu.settle();
    const post = h.web.hitsTo('/incoming')[0];
    const get = h.web.hitsTo('/hold')[0];
    expect(get.method).toBe('GET');
    expect(twilio.validateRequest(AUTH_TOKEN, post.signature!, post.url, post.params)).toBe(true);
    expect(twilio.validateRequest(AUTH_TOKEN, get.signature!, get.url, {})).toBe(true);
    expect(twilio.validateRequest('other-token', post.signature!, post.url, post.params)).toBe(false);
    expect(post.params).toMatchObject({
      AccountSid: h.emu.accountSid,
      CallSid: caller,
      From: CALLER,
      To: BUSINESS,
      CallStatus: 'ringing',
      Direction: 'inbound',
      ApiVersion: '2010-04-01',
    });
  });
});

// "Twilio's request to your application": https://www.twilio.com/docs/voice/twiml#request-parameters
// (CallerName, ForwardedFrom, CallToken for received calls; FromCity..ToCountry "if available").
describe("semantics: voice webhooks carry Twilio's standard request parameters", () => {
  const GEO = { FromCity: '', FromState: '', FromZip: '', FromCountry: '', ToCity: '', ToState: '', ToZip: '', ToCountry: '' };

  it('inbound: CallerName and ForwardedFrom empty, an opaque CallToken, the geographic fields empty', async () => {
    const a = await call('<Pause length="10"/>');
    const b = await call('<Pause length="10"/>');
    const [first, second] = h.web.hitsTo('/incoming').map((hit) => hit.params);
    expect(first).toMatchObject({ CallSid: a, CallerName: '', ForwardedFrom: '', Caller: CALLER, Called: BUSINESS, ...GEO });
    expect(first.CallToken).toMatch(/^\S{32,}$/);
    expect(second.CallSid).toBe(b);
    expect(second.CallToken).not.toBe(first.CallToken);
  });
  it('outbound legs: the geographic fields, and no CallerName, ForwardedFrom or CallToken', async () => {
    h.web.on('/status', '');
    h.web.on('/agent', twiml('<Hangup/>'));
    await h.client.calls.create({ from: BUSINESS, to: AGENT, url: h.web.url('/agent'), statusCallback: h.web.url('/status') });
    await h.emu.advance(2000);
    const answered = h.web.hitsTo('/agent')[0].params;
    expect(answered).toMatchObject({ Direction: 'outbound-api', ...GEO });
    for (const name of ['CallerName', 'ForwardedFrom', 'CallToken']) expect(answered[name]).toBeUndefined();
  });
  it('status callbacks carry CallDuration and no undocumented Duration', async () => {
    h.web.on('/status', '');
    h.web.on('/agent', twiml('<Pause length="61"/>'));
    await h.client.calls.create({ from: BUSINESS, to: AGENT, url: h.web.url('/agent'), statusCallback: h.web.url('/status') });
    await h.emu.advance(2000 + 61_000);
    const [completed] = h.web.hitsTo('/status').map((hit) => hit.params);
    expect(completed).toMatchObject({ CallStatus: 'completed', CallDuration: '61', CallbackSource: 'call-progress-events' });
    expect(completed.Duration).toBeUndefined();
  });
});

describe('virtual clock', () => {
  it('a ten-minute hold takes no real time and timers run in order', async () => {
    const sid = await call('<Pause length="600"/><Say>done</Say>');
    const t0 = Date.now();
    await h.emu.advance(599_999);
    expect(h.emu.hears(sid)).toEqual({ kind: 'silence' });
    await h.emu.advance(1);
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'done' });
    expect(h.emu.now()).toBe(600_000);
    expect(Date.now() - t0).toBeLessThan(1000);
  });
  it('the log is a timeline of state changes, webhooks and REST requests', async () => {
    await call('<Say>x</Say>');
    await h.client.calls.list();
    const types = new Set(h.emu.log().map((e) => e.type));
    expect([...types]).toEqual(expect.arrayContaining(['call', 'webhook', 'twiml', 'rest']));
    const times = h.emu.log().map((e) => e.t);
    expect([...times].sort((a, b) => a - b)).toEqual(times);
  });
});

describe('real clock', () => {
  it('runs timers on its own', async () => {
    await h.close();
    h = await startHarness({ clock: 'real' });
    const sid = await call('<Pause length="1"/><Say>awake</Say>');
    await new Promise((r) => setTimeout(r, 1300)); // unavoidable: the real clock is the subject
    expect(h.emu.hears(sid)).toEqual({ kind: 'speech', text: 'awake' });
  });
});

describe('control API', () => {
  const post = (path: string, body: Record<string, unknown>) =>
    fetch(h.emu.url + path, {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Authorization: `Bearer ${h.emu.controlToken}` },
      body: JSON.stringify(body),
    });
  it('places a call, sets parties, advances the clock, reads state and log, hangs up', async () => {
    h.web.on('/incoming', twiml(`<Dial>${AGENT}</Dial>`));
    expect((await post('/emulator/parties', { address: AGENT, behavior: 'answer', afterMs: 500 })).status).toBe(200);
    const placed = await post('/emulator/calls', { From: CALLER, To: BUSINESS });
    const { callSid } = (await placed.json()) as { callSid: string };
    const state = (await (await post('/emulator/advance', { ms: 500 })).json()) as {
      calls: Array<{ sid: string; hears?: { kind: string } }>;
    };
    expect(state.calls.find((c) => c.sid === callSid)?.hears?.kind).toBe('party');
    expect((await post(`/emulator/calls/${callSid}/hangup`, {})).status).toBe(200);
    const log = (await (await fetch(h.emu.url + '/emulator/log')).json()) as unknown[];
    expect(log.length).toBeGreaterThan(3);
    const page = await fetch(h.emu.url + '/emulator');
    expect(await page.text()).toContain('Twilio voice emulator');
    expect((await post('/emulator/faults', { target: 'rest', status: 500, count: 1 })).status).toBe(201);
    await expect(h.client.calls.list()).rejects.toMatchObject({ status: 500 });
  });
});

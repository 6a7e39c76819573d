// Dial mode's webhooks, each through its real handler and the real twilio SDK against a recording
// stand-in for api.twilio.com: the TwiML each leg gets, and the REST side effects.
import { handler as incomingCall } from '../../functions/incoming-call.protected';
import { handler as dialEnded } from '../../functions/dial-ended.protected';
import { handler as holdQueueEnded } from '../../functions/hold-queue-ended.protected';
import { handler as holdQueueDequeued } from '../../functions/hold-queue-dequeued.protected';
import { handler as agentHoldLoop } from '../../functions/agent-hold-loop.protected';
import { handler as agentLegStatus } from '../../functions/agent-leg-status.protected';
import { handler as agentDialEnded } from '../../functions/agent-dial-ended.protected';
import { AGENT_UNAVAILABLE, SERVICE_UNAVAILABLE } from '../../lib/shared/caller-prompts';
import { AGENT_LEFT, CALLER_LEFT, CALLER_ON_HOLD, HOLD_LOOP_PAUSE_SECONDS } from '../../lib/dial/twiml';
import { startFakeTwilioApi, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilioError, type FakeReply, type FakeTwilioApi, type RecordedRequest } from '../support/fake-twilio-api';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml, type TwimlNode } from '../support/twiml';

const CALLER = 'CA' + '1'.repeat(32);
const AGENT = 'CA' + 'a'.repeat(32);
const QUEUE = 'QU' + 'b'.repeat(32);
const BASE = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}`;
const URL = 'http://localhost:3000';

let api: FakeTwilioApi;
let statuses: Map<string, string>;
let queueSize: number | undefined;
let override: ((request: RecordedRequest) => FakeReply | undefined) | undefined;

beforeEach(async () => {
  statuses = new Map([
    [CALLER, 'in-progress'],
    [AGENT, 'in-progress'],
  ]);
  queueSize = undefined;
  override = undefined;
  api = await startFakeTwilioApi((request) => {
    const special = override?.(request);
    if (special) return special;
    if (request.method === 'GET' && request.path === `${BASE}/Queues.json`) {
      const queues = queueSize === undefined ? [] : [{ sid: QUEUE, friendly_name: CALLER, current_size: queueSize, max_size: 1000 }];
      return { status: 200, body: { queues, next_page_uri: null, page: 0, page_size: 1000, start: 0, end: 0, uri: '' } };
    }
    if (request.method === 'DELETE' && request.path === `${BASE}/Queues/${QUEUE}.json`) return { status: 204, body: {} };
    const one = /\/Calls\/(CA[0-9a-f]{32})\.json$/.exec(request.path);
    const status = one ? statuses.get(one[1]) : undefined;
    if (one && status) {
      if (request.method === 'POST' && status !== 'in-progress') return twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.');
      return { status: 200, body: { sid: one[1], status } };
    }
    return twilioError(404, 20404, 'The requested resource was not found');
  });
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

function context(env: Record<string, string> = {}) {
  return functionContext({
    ACCOUNT_SID: TEST_ACCOUNT_SID,
    AUTH_TOKEN: TEST_AUTH_TOKEN,
    HOLD_MODE: 'dial',
    AGENT_NUMBER: '+15550100001',
    TWILIO_API_BASE_URL: api.url,
    ...env,
  });
}

type Handler = Parameters<typeof invokeFunction>[0];

async function twimlOf(handler: Handler, event: Record<string, unknown>, env?: Record<string, string>): Promise<TwimlNode> {
  const reply = await invokeFunction(handler, context(env), event);
  expect(reply.statusCode).toBe(200);
  expect(reply.headers['Content-Type']).toBe('text/xml');
  return parseTwiml(String(reply.body));
}

const verbs = (twiml: TwimlNode) => twiml.children.map((c) => c.verb);
const requests = () => api.requests.map((r) => `${r.method} ${r.path.slice(BASE.length)}`);

function expectSayAndHangup(twiml: TwimlNode, text: string): void {
  expect(verbs(twiml)).toEqual(['Say', 'Hangup']);
  expect(twiml.children[0].text).toBe(text);
}

function expectEnqueuedOnHold(twiml: TwimlNode): void {
  expect(verbs(twiml)).toEqual(['Enqueue']);
  const [enqueue] = twiml.children;
  expect(enqueue.text).toBe(CALLER);
  expect(enqueue.text.length).toBeLessThanOrEqual(64);
  expect(enqueue.attributes).toEqual({
    action: `${URL}/hold-queue-ended?AgentCallSid=${AGENT}`,
    method: 'POST',
    waitUrl: `${URL}/hold-music`,
    waitUrlMethod: 'POST',
  });
}

const incoming = { CallSid: CALLER, From: '+15551230000', To: '+15550100000', CallStatus: 'ringing' };

describe('incoming-call (dial mode)', () => {
  it('dials the agent with an action, a ring timeout and an answered+completed status callback; no REST request', async () => {
    const twiml = await twimlOf(incomingCall, incoming);
    expect(verbs(twiml)).toEqual(['Dial']);
    const [dial] = twiml.children;
    expect(dial.attributes).toEqual({ action: `${URL}/dial-ended`, method: 'POST', timeout: '30' });
    expect(dial.children).toHaveLength(1);
    expect(dial.children[0]).toMatchObject({
      verb: 'Number',
      text: '+15550100001',
      attributes: { statusCallback: `${URL}/agent-leg-status?CallerCallSid=${CALLER}`, statusCallbackEvent: 'answered completed', statusCallbackMethod: 'POST' },
    });
    expect(api.requests).toHaveLength(0);
  });

  it('uses CALLER_ID and AGENT_RING_TIMEOUT when set', async () => {
    const twiml = await twimlOf(incomingCall, incoming, { CALLER_ID: '+15550109999', AGENT_RING_TIMEOUT: '12' });
    expect(twiml.children[0].attributes).toMatchObject({ callerId: '+15550109999', timeout: '12' });
  });

  it.each([
    ['client:alice', 'Client', 'alice'],
    ['sip:agent@example.com', 'Sip', 'sip:agent@example.com'],
  ])('dials %s with <%s>', async (address, noun, text) => {
    const twiml = await twimlOf(incomingCall, incoming, { AGENT_NUMBER: address });
    expect(twiml.children[0].children[0]).toMatchObject({ verb: noun, text });
  });

  it('apologises and hangs up when AGENT_NUMBER is missing', async () => {
    const twiml = await twimlOf(incomingCall, incoming, { AGENT_NUMBER: '' });
    expectSayAndHangup(twiml, SERVICE_UNAVAILABLE);
  });
});

describe('dial-ended (the caller\'s Dial action)', () => {
  const event = (dialCallStatus: string, extra: Record<string, string> = {}) => ({
    CallSid: CALLER,
    CallStatus: 'in-progress',
    DialCallStatus: dialCallStatus,
    DialCallSid: AGENT,
    ...extra,
  });

  it('the agent leg is live (a hold moved it): the caller goes into the hold queue with music', async () => {
    expectEnqueuedOnHold(await twimlOf(dialEnded, event('completed')));
    expect(requests()).toEqual([`GET /Calls/${AGENT}.json`]);
  });

  it.each(['completed', 'busy'])('the agent leg has ended (%s): the caller is told the agent left', async (status) => {
    statuses.set(AGENT, status);
    expectSayAndHangup(await twimlOf(dialEnded, event('completed')), AGENT_LEFT);
  });

  it('Twilio does not know the agent leg any more (404): the agent left', async () => {
    statuses.delete(AGENT);
    expectSayAndHangup(await twimlOf(dialEnded, event('completed')), AGENT_LEFT);
  });

  it('the agent leg cannot be read: the caller waits on hold rather than being hung up', async () => {
    override = () => twilioError(500, 20500, 'Internal Server Error');
    expectEnqueuedOnHold(await twimlOf(dialEnded, event('completed')));
  });

  it.each(['no-answer', 'busy', 'failed', 'canceled'])('DialCallStatus=%s: apology, hang up, no REST request', async (status) => {
    const twiml = await twimlOf(dialEnded, { CallSid: CALLER, CallStatus: 'in-progress', DialCallStatus: status });
    expectSayAndHangup(twiml, AGENT_UNAVAILABLE);
    expect(api.requests).toHaveLength(0);
  });

  it('requested because the caller hung up or was redirected: empty TwiML, no side effect', async () => {
    const twiml = await twimlOf(dialEnded, event('completed', { CallStatus: 'completed' }));
    expect(verbs(twiml)).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });

  it('400 for a request without DialCallStatus', async () => {
    const reply = await invokeFunction(dialEnded, context(), { CallSid: CALLER, CallStatus: 'in-progress' });
    expect(reply.statusCode).toBe(400);
  });
});

describe('hold-queue-ended (the caller\'s Enqueue action)', () => {
  const event = (queueResult: string, callStatus = 'in-progress') => ({
    CallSid: CALLER,
    CallStatus: callStatus,
    QueueResult: queueResult,
    QueueSid: QUEUE,
    QueueTime: '12',
    AgentCallSid: AGENT,
  });

  it('bridged with the agent live (a new hold after a resume): back into the hold queue, queue kept', async () => {
    expectEnqueuedOnHold(await twimlOf(holdQueueEnded, event('bridged')));
    expect(requests()).toEqual([`GET /Calls/${AGENT}.json`]);
  });

  it('bridged with the agent gone (it hung up after a resume): told, call ends, queue deleted', async () => {
    statuses.set(AGENT, 'completed');
    expectSayAndHangup(await twimlOf(holdQueueEnded, event('bridged')), AGENT_LEFT);
    expect(requests()).toEqual([`GET /Calls/${AGENT}.json`, `DELETE /Queues/${QUEUE}.json`]);
  });

  it('hangup (the caller hung up while held): the agent is told and released, the queue deleted', async () => {
    const twiml = await twimlOf(holdQueueEnded, event('hangup', 'completed'));
    expect(verbs(twiml)).toEqual([]);
    expect(requests().sort()).toEqual([`DELETE /Queues/${QUEUE}.json`, `POST /Calls/${AGENT}.json`].sort());
    const release = api.requests.find((r) => r.method === 'POST')!;
    expectSayAndHangup(parseTwiml(release.form.get('Twiml')!), CALLER_LEFT);
  });

  it('the caller hung up after a resume (bridged, completed): the agent is released too; an agent already gone is fine', async () => {
    statuses.set(AGENT, 'completed');
    const twiml = await twimlOf(holdQueueEnded, event('bridged', 'completed'));
    expect(verbs(twiml)).toEqual([]);
    expect(requests()).toContain(`POST /Calls/${AGENT}.json`);
  });

  it('redirected (e.g. told the agent left): nothing for the caller, the agent is not touched, queue deleted', async () => {
    const twiml = await twimlOf(holdQueueEnded, event('redirected'));
    expect(verbs(twiml)).toEqual([]);
    expect(requests()).toEqual([`DELETE /Queues/${QUEUE}.json`]);
  });

  it('error: the caller hears an apology, the agent is released, the queue deleted', async () => {
    expectSayAndHangup(await twimlOf(holdQueueEnded, event('error')), SERVICE_UNAVAILABLE);
    expect(requests().sort()).toEqual([`DELETE /Queues/${QUEUE}.json`, `POST /Calls/${AGENT}.json`].sort());
  });

  it('a queue that is already gone or not empty does not change what the caller hears', async () => {
    override = (request) => (request.method === 'DELETE' ? twilioError(404, 20404, 'not found') : undefined);
    expect(verbs(await twimlOf(holdQueueEnded, event('redirected')))).toEqual([]);
    override = (request) => (request.method === 'DELETE' ? twilioError(400, 22004, 'Queue is not empty') : undefined);
    expect(verbs(await twimlOf(holdQueueEnded, event('redirected')))).toEqual([]);
  });

  it('400 without AgentCallSid in the URL', async () => {
    const { AgentCallSid: _omitted, ...rest } = event('bridged');
    expect((await invokeFunction(holdQueueEnded, context(), rest)).statusCode).toBe(400);
  });
});

describe('hold-queue-dequeued (the Queue url of a resume)', () => {
  it('deletes the emptied queue and plays nothing before the bridge', async () => {
    const twiml = await twimlOf(holdQueueDequeued, { CallSid: CALLER, QueueSid: QUEUE, DequeingCallSid: AGENT });
    expect(verbs(twiml)).toEqual([]);
    expect(requests()).toEqual([`DELETE /Queues/${QUEUE}.json`]);
  });
});

describe('agent-hold-loop', () => {
  it('says "your caller is on hold" once, then pauses and redirects to itself flagged as announced', async () => {
    const first = await twimlOf(agentHoldLoop, {});
    expect(verbs(first)).toEqual(['Say', 'Pause', 'Redirect']);
    expect(first.children[0].text).toBe(CALLER_ON_HOLD);
    expect(first.children[1].attributes).toEqual({ length: String(HOLD_LOOP_PAUSE_SECONDS) });
    expect(first.children[2].text).toBe(`${URL}/agent-hold-loop?Announced=true`);
    const again = await twimlOf(agentHoldLoop, { Announced: 'true' });
    expect(verbs(again)).toEqual(['Pause', 'Redirect']);
    expect(again.children[1].text).toBe(`${URL}/agent-hold-loop?Announced=true`);
    expect(api.requests).toHaveLength(0);
  });
});

describe('agent-leg-status', () => {
  const event = (callStatus: string) => ({ CallSid: AGENT, ParentCallSid: CALLER, CallStatus: callStatus, CallerCallSid: CALLER });

  it('the agent hung up while the caller waits on hold: the caller is told, then its call ends', async () => {
    queueSize = 1;
    expect(verbs(await twimlOf(agentLegStatus, event('completed')))).toEqual([]);
    expect(requests()).toEqual(['GET /Queues.json', `POST /Calls/${CALLER}.json`]);
    expectSayAndHangup(parseTwiml(api.requests[1].form.get('Twiml')!), AGENT_LEFT);
  });

  it.each([
    ['no hold queue', undefined],
    ['an empty hold queue (bridged after a resume)', 0],
  ])('the agent hung up with %s: the caller\'s own action handles it; no redirect', async (_name, size) => {
    queueSize = size;
    await twimlOf(agentLegStatus, event('completed'));
    expect(requests()).toEqual(['GET /Queues.json']);
  });

  it.each(['no-answer', 'busy', 'failed', 'canceled'])('%s: nothing (the Dial action apologises)', async (status) => {
    await twimlOf(agentLegStatus, event(status));
    expect(api.requests).toHaveLength(0);
  });

  it('a caller already gone is fine', async () => {
    queueSize = 1;
    statuses.set(CALLER, 'completed');
    expect((await invokeFunction(agentLegStatus, context(), event('completed'))).statusCode).toBe(200);
  });
});

describe('agent-dial-ended (the agent\'s Dial<Queue> action after a resume)', () => {
  const event = (agentStatus: string) => ({ CallSid: AGENT, CallStatus: agentStatus, DialCallStatus: 'completed', CallerCallSid: CALLER });

  it('the caller hung up: the agent is told, then its leg ends', async () => {
    statuses.set(CALLER, 'completed');
    expectSayAndHangup(await twimlOf(agentDialEnded, event('in-progress')), CALLER_LEFT);
    expect(requests()).toEqual([`GET /Calls/${CALLER}.json`]);
  });

  it('the caller is still there (or cannot be read): the agent goes back to the hold loop, never hung up', async () => {
    const twiml = await twimlOf(agentDialEnded, event('in-progress'));
    expect(verbs(twiml)).toEqual(['Say', 'Pause', 'Redirect']);
    override = () => twilioError(500, 20500, 'Internal Server Error');
    expect(verbs(await twimlOf(agentDialEnded, event('in-progress')))).toEqual(['Say', 'Pause', 'Redirect']);
  });

  it('the agent hung up itself: nothing, no read', async () => {
    expect(verbs(await twimlOf(agentDialEnded, event('completed')))).toEqual([]);
    expect(api.requests).toHaveLength(0);
  });
});

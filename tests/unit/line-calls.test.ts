// /incoming-call with the line on (docs/line.md): what Twilio is asked to decide whether the agent
// is busy, and what the caller gets when the agent is busy, free, or the read fails.
import { handler as incomingCall } from '../../functions/incoming-call.protected';
import { startFakeTwilioApi, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilioError, type FakeReply, type FakeTwilioApi, type RecordedRequest } from '../support/fake-twilio-api';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';
import { LINE_FULL, lineQueueName } from '../../lib/shared/line';

const CALLER = 'CA' + '2'.repeat(32);
const AGENT = '+15550100001';
const BASE = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}`;
const PARTICIPANTS = `${BASE}/Conferences/${CALLER}/Participants.json`;
const call = { CallSid: CALLER, From: '+15551230000', To: '+15550100000', CallStatus: 'ringing', Direction: 'inbound' };

const page = (key: string, rows: object[]): FakeReply => ({
  status: 200,
  body: { [key]: rows, first_page_uri: `${BASE}/x.json?Page=0`, next_page_uri: null, previous_page_uri: null, page: 0, page_size: 50, uri: `${BASE}/x.json`, start: 0, end: rows.length },
});

let api: FakeTwilioApi;
/** What the fake Twilio says about the agent's calls with each status, and the line queue's size. */
let agentCalls: Record<string, number>;
let lineSize: number | undefined;
let callsList: (request: RecordedRequest) => FakeReply | 'hang';

function route(request: RecordedRequest): FakeReply | 'hang' {
  if (request.path === `${BASE}/Calls.json` && request.method === 'GET') return callsList(request);
  if (request.path === `${BASE}/Queues.json`) {
    return page('queues', lineSize === undefined ? [] : [{ sid: 'QU' + 'a'.repeat(32), friendly_name: lineQueueName(AGENT), current_size: lineSize, max_size: 1000, average_wait_time: 0 }]);
  }
  if (request.path === PARTICIPANTS) return { status: 201, body: { call_sid: 'CA' + '3'.repeat(32), label: 'agent', conference_sid: 'CF' + 'c'.repeat(32), status: 'queued', hold: false } };
  return twilioError(404, 20404, 'not found');
}

beforeEach(async () => {
  agentCalls = {};
  lineSize = undefined;
  callsList = (request) => {
    const status = request.query.get('Status') ?? '';
    return page('calls', Array.from({ length: agentCalls[status] ?? 0 }, () => ({ sid: 'CA' + '4'.repeat(32), to: AGENT, status })));
  };
  api = await startFakeTwilioApi(route);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

const context = (env: Record<string, string> = {}) =>
  functionContext({ ACCOUNT_SID: TEST_ACCOUNT_SID, AUTH_TOKEN: TEST_AUTH_TOKEN, AGENT_NUMBER: AGENT, TWILIO_API_BASE_URL: api.url, ...env });

async function answer(env: Record<string, string> = {}) {
  const reply = await invokeFunction(incomingCall, context(env), call);
  expect(reply.statusCode).toBe(200);
  return parseTwiml(String(reply.body));
}

describe.each(['conference', 'dial'])('the line at /incoming-call, %s mode', (mode) => {
  // Screening changes how the agent is rung, not whether: agent-screening.test.ts covers it.
  const env = { HOLD_MODE: mode, AGENT_SCREENING: 'off' };

  it('reads the agent\'s queued, ringing and in-progress calls and the line, then rings a free agent', async () => {
    const twiml = await answer(env);
    expect(twiml.children[0].verb).toBe('Dial');
    const reads = api.requests.filter((r) => r.method === 'GET').map((r) => `${r.path.slice(BASE.length)} ${r.query.get('To') ?? ''} ${r.query.get('Status') ?? ''}`.trim());
    expect(reads.sort()).toEqual([`/Calls.json ${AGENT} in-progress`, `/Calls.json ${AGENT} queued`, `/Calls.json ${AGENT} ringing`, '/Queues.json']);
  });

  it.each(['queued', 'ringing', 'in-progress'])('an agent with a %s call: the caller joins the line and the agent is not rung', async (status) => {
    agentCalls[status] = 1;
    const twiml = await answer(env);
    expect(twiml.children.map((c) => c.verb)).toEqual(['Enqueue']);
    expect(twiml.children[0].text).toBe(lineQueueName(AGENT));
    expect(twiml.children[0].attributes).toMatchObject({ waitUrl: 'http://localhost:3000/line-wait', waitUrlMethod: 'POST', action: 'http://localhost:3000/line-left' });
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('callers already in line: the next caller joins the end of it, even when the agent is between calls', async () => {
    lineSize = 2;
    const twiml = await answer(env);
    expect(twiml.children.map((c) => c.verb)).toEqual(['Enqueue']);
  });

  it('a read that fails: the agent is rung as without a line (the caller is answered, nobody waits on the read)', async () => {
    agentCalls['in-progress'] = 1;
    callsList = () => twilioError(400, 20001, 'bad request');
    const twiml = await answer(env);
    expect(twiml.children[0].verb).toBe('Dial');
  });

  it('a read that never answers: given up at the budget, the agent is rung', async () => {
    callsList = () => 'hang';
    const twiml = await answer(env);
    expect(twiml.children[0].verb).toBe('Dial');
  }, 15_000);

  it('LINE_MAX_CALLERS reached while the agent is busy: the caller hears that the lines are busy, and the call ends', async () => {
    agentCalls['in-progress'] = 1;
    lineSize = 2;
    const twiml = await answer({ ...env, LINE_MAX_CALLERS: '2' });
    expect(twiml.children.map((c) => c.verb)).toEqual(['Say', 'Hangup']);
    expect(twiml.children[0].text).toBe(LINE_FULL);
    lineSize = 1;
    expect((await answer({ ...env, LINE_MAX_CALLERS: '2' })).children.map((c) => c.verb)).toEqual(['Enqueue']);
    // A misconfigured limit is no limit (logged): the caller still joins the line.
    lineSize = 2;
    expect((await answer({ ...env, LINE_MAX_CALLERS: 'many' })).children.map((c) => c.verb)).toEqual(['Enqueue']);
  });

  it('LINE_MAX_WAIT_SECONDS=0: no line, no reads', async () => {
    agentCalls['in-progress'] = 1;
    const twiml = await answer({ ...env, LINE_MAX_WAIT_SECONDS: '0' });
    expect(twiml.children[0].verb).toBe('Dial');
    expect(api.requests.filter((r) => r.method === 'GET')).toEqual([]);
  });
});

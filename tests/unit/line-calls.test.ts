// /incoming-call with the line on (docs/line.md): what Twilio is asked to decide whether the agent
// is busy, and what the caller gets when the agent is busy, free, or the read fails.
import { handler as incomingCall } from '../../functions/incoming-call.protected';
import { startTwilioProxy, twilioError, type FakeTwilioApi, type Injected, type RecordedRequest } from '../support/fake-twilio-api';
import { ACCOUNT_SID, AUTH_TOKEN, BUSINESS, startEmulatedTwilio, waitingCall, type EmulatedTwilio } from '../support/emulated-twilio';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';
import { LINE_FULL, lineQueueName } from '../../lib/shared/line';

const AGENT = '+15550100001';
const BASE = `/2010-04-01/Accounts/${ACCOUNT_SID}`;
const PAUSE = '<Response><Pause length="3600"/></Response>';

/** The emulator (Twilio's pacing of API calls on: one a second), with the agent's calls and the line. */
let emulated: EmulatedTwilio;
/** The recording stand-in in front of it: the requests of /incoming-call, and the reads it injects. */
let api: FakeTwilioApi;
let override: ((request: RecordedRequest) => Injected) | undefined;
let call: Record<string, string>;

beforeEach(async () => {
  emulated = await startEmulatedTwilio({ callsPerSecond: 1 });
  call = { CallSid: await waitingCall(emulated), From: '+15551230000', To: '+15550100000', CallStatus: 'ringing', Direction: 'inbound' };
  override = undefined;
  api = await startTwilioProxy(emulated.url, (request) => override?.(request));
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
  await emulated.close();
});

const context = (env: Record<string, string> = {}) =>
  functionContext({ ACCOUNT_SID, AUTH_TOKEN, AGENT_NUMBER: AGENT, TWILIO_API_BASE_URL: api.url, ...env });

/** The agent's phone has one call in this state (queued: this second's call slot is taken by another call). */
async function agentHasCall(status: string): Promise<void> {
  const { emu, client } = emulated;
  if (status === 'queued') await client.calls.create({ from: BUSINESS, to: '+15550100777', twiml: PAUSE });
  emu.setParty(AGENT, status === 'in-progress' ? { behavior: 'answer', afterMs: 0 } : { behavior: 'no-answer' });
  await client.calls.create({ from: BUSINESS, to: AGENT, twiml: PAUSE });
  await emu.settle();
  expect(
    emu
      .calls()
      .filter((c) => c.to === AGENT)
      .map((c) => c.status),
  ).toEqual([status]);
}

/** The line of callers waiting for the agent has `size` callers. */
async function lineOf(size: number): Promise<void> {
  const { emu, client } = emulated;
  const name = lineQueueName(AGENT);
  const members = () => emu.queues().find((q) => q.friendlyName === name)?.members ?? [];
  for (const extra of members().slice(size)) await emu.hangup(extra.callSid);
  const missing = size - members().length;
  for (let i = 0; i < missing; i++) {
    await client.calls.create({ from: BUSINESS, to: `+1555020000${i}`, twiml: `<Response><Enqueue>${name}</Enqueue></Response>` });
  }
  // Paced one a second, each answered 2 s after it is placed.
  await emu.advance(1000 * missing + 2500);
  expect(members()).toHaveLength(size);
}

async function answer(env: Record<string, string> = {}) {
  const reply = await invokeFunction(incomingCall, context(env), call);
  expect(reply.statusCode).toBe(200);
  return parseTwiml(String(reply.body));
}

describe.each(['conference', 'dial'])('the line at /incoming-call, %s mode', (mode) => {
  // Screening changes how the agent is rung, not whether: agent-screening.test.ts covers it.
  const env = { HOLD_MODE: mode, AGENT_SCREENING: 'off' };

  it("reads the agent's queued, ringing and in-progress calls and the line, then rings a free agent", async () => {
    const twiml = await answer(env);
    expect(twiml.children[0].verb).toBe('Dial');
    const reads = api.requests
      .filter((r) => r.method === 'GET')
      .map((r) => `${r.path.slice(BASE.length)} ${r.query.get('To') ?? ''} ${r.query.get('Status') ?? ''}`.trim());
    expect(reads.sort()).toEqual([
      `/Calls.json ${AGENT} in-progress`,
      `/Calls.json ${AGENT} queued`,
      `/Calls.json ${AGENT} ringing`,
      '/Queues.json',
    ]);
  });

  it.each(['queued', 'ringing', 'in-progress'])(
    'an agent with a %s call: the caller joins the line and the agent is not rung',
    async (status) => {
      await agentHasCall(status);
      const twiml = await answer(env);
      expect(twiml.children.map((c) => c.verb)).toEqual(['Enqueue']);
      expect(twiml.children[0].text).toBe(lineQueueName(AGENT));
      expect(twiml.children[0].attributes).toMatchObject({
        waitUrl: 'http://localhost:3000/line-wait',
        waitUrlMethod: 'POST',
        action: 'http://localhost:3000/line-left',
      });
      expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
    },
  );

  it('callers already in line: the next caller joins the end of it, even when the agent is between calls', async () => {
    await lineOf(2);
    const twiml = await answer(env);
    expect(twiml.children.map((c) => c.verb)).toEqual(['Enqueue']);
  });

  it('a read that fails: the agent is rung as without a line (the caller is answered, nobody waits on the read)', async () => {
    await agentHasCall('in-progress');
    override = (request) =>
      request.method === 'GET' && request.path === `${BASE}/Calls.json` ? twilioError(400, 20001, 'bad request') : undefined;
    const twiml = await answer(env);
    expect(twiml.children[0].verb).toBe('Dial');
  });

  it('a read that never answers: given up at the budget, the agent is rung', async () => {
    override = (request) => (request.method === 'GET' && request.path === `${BASE}/Calls.json` ? 'hang' : undefined);
    const twiml = await answer(env);
    expect(twiml.children[0].verb).toBe('Dial');
  }, 15_000);

  it('LINE_MAX_CALLERS reached while the agent is busy: the caller hears that the lines are busy, and the call ends', async () => {
    await lineOf(2);
    await agentHasCall('in-progress');
    const twiml = await answer({ ...env, LINE_MAX_CALLERS: '2' });
    expect(twiml.children.map((c) => c.verb)).toEqual(['Say', 'Hangup']);
    expect(twiml.children[0].text).toBe(LINE_FULL);
    await lineOf(1);
    expect((await answer({ ...env, LINE_MAX_CALLERS: '2' })).children.map((c) => c.verb)).toEqual(['Enqueue']);
    // A misconfigured limit is no limit (logged): the caller still joins the line.
    await lineOf(2);
    expect((await answer({ ...env, LINE_MAX_CALLERS: 'many' })).children.map((c) => c.verb)).toEqual(['Enqueue']);
  });

  it('LINE_MAX_WAIT_SECONDS=0: no line, no reads', async () => {
    await agentHasCall('in-progress');
    const twiml = await answer({ ...env, LINE_MAX_WAIT_SECONDS: '0' });
    expect(twiml.children[0].verb).toBe('Dial');
    expect(api.requests.filter((r) => r.method === 'GET')).toEqual([]);
  });
});

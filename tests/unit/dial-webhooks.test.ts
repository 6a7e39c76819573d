// Dial mode's webhooks, each through its real handler and the real twilio SDK against the emulator
// (tests/support/emulated-twilio.ts), its requests recorded by the stand-in in front of it: the
// TwiML each leg gets, the REST side effects, and that every SID a webhook acts on is checked
// against the call it claims to belong to.
import { handler as incomingCall } from '../../functions/incoming-call.protected';
import { handler as holdQueueEnded } from '../../functions/hold-queue-ended.protected';
import { handler as agentHoldLoop } from '../../functions/agent-hold-loop.protected';
import { RULE_CHECK_PAUSE_SECONDS, resetHoldRulesCheck } from '../../lib/dial/rule-check';
import { handler as agentRejoinHold } from '../../functions/agent-rejoin-hold.protected';
import { handler as agentLegStatus } from '../../functions/agent-leg-status.protected';
import { AGENT_UNAVAILABLE, SERVICE_UNAVAILABLE } from '../../lib/shared/caller-prompts';
import { AGENT_HOLD_PAUSE_SECONDS, AGENT_LEFT, CALLER_LEFT, INLINE_TWIML_BUDGET, CALLER_ON_HOLD } from '../../lib/dial/twiml';
import { startTwilioProxy, type FakeTwilioApi } from '../support/fake-twilio-api';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  DIAL_NUMBER,
  dialledCall,
  holdByRest,
  startEmulatedTwilio,
  type EmulatedTwilio,
} from '../support/emulated-twilio';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml, type TwimlNode } from '../support/twiml';

const BASE = `/2010-04-01/Accounts/${ACCOUNT_SID}`;
const URL = 'http://localhost:3000';

/**
 * The emulator, with dial mode's calls made without the functions (their webhooks are what these
 * tests call, each in the state it names): the caller's <Dial> of the agent, then its own queue.
 */
let emulated: EmulatedTwilio;
/** The recording stand-in in front of it: the requests of the webhook under test. */
let api: FakeTwilioApi;
/** The caller and its <Dial> child, the agent's leg: bridged. */
let CALLER: string;
let AGENT: string;
/** Another caller, whose agent queue is in the list of queues too. */
let OTHER_CALLER: string;

beforeEach(async () => {
  emulated = await startEmulatedTwilio();
  ({ caller: OTHER_CALLER } = await dialledCall(emulated, { to: DIAL_NUMBER }));
  await emulated.client.queues.create({ friendlyName: `${OTHER_CALLER}-agent` });
  ({ caller: CALLER, agent: AGENT } = await dialledCall(emulated, { to: DIAL_NUMBER }));
  api = await startTwilioProxy(emulated.url, () => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  resetHoldRulesCheck();
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
  await emulated.close();
});

/** On hold: the agent waits in its queue, the caller in its own. */
const hold = () => holdByRest(emulated, CALLER, AGENT);
/** The caller leaves its queue, alive (as when it dials the agent queue to resume). */
async function callerOutOfItsQueue(): Promise<void> {
  await emulated.client.calls(CALLER).update({ twiml: '<Response><Pause length="600"/></Response>' });
  await emulated.emu.settle();
}
async function hangup(callSid: string): Promise<void> {
  await emulated.emu.hangup(callSid);
  await emulated.emu.settle();
}
/** The SID of the queue with that name; a well-formed one when the call has not been held (no such queue yet). */
const queueSid = (name: string) => emulated.emu.queues().find((q) => q.friendlyName === name)?.sid ?? 'QU' + 'b'.repeat(32);

function context(env: Record<string, string> = {}) {
  return functionContext({
    ACCOUNT_SID,
    AUTH_TOKEN,
    HOLD_MODE: 'dial',
    AGENT_NUMBER: '+15550100001',
    AGENT_SCREENING: 'off',
    TWILIO_API_BASE_URL: api.url,
    // Ringing the agent as such: the line's reads are tested in tests/unit/line-calls.test.ts.
    LINE_MAX_WAIT_SECONDS: '0',
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
// Voice API requests only: the hold console's Sync bookkeeping (lib/state) is tested on its own.
const voice = () => api.requests.filter((r) => r.path.startsWith(BASE));
const requests = () => voice().map((r) => `${r.method} ${r.path.slice(BASE.length)}`);
const posts = () => requests().filter((r) => r.startsWith('POST'));

function expectSayAndHangup(twiml: TwimlNode, text: string): void {
  expect(verbs(twiml)).toEqual(['Say', 'Hangup']);
  expect(twiml.children[0].text).toBe(text);
}

function expectCallerQueue(enqueue: TwimlNode): void {
  expect(enqueue.verb).toBe('Enqueue');
  expect(enqueue.text).toBe(CALLER);
  expect(enqueue.attributes).toEqual({
    action: `${URL}/hold-queue-ended`,
    method: 'POST',
    // The music itself, not a function: a held caller's music never waits on our functions.
    waitUrl: `${URL}/hold-music.mp3`,
    waitUrlMethod: 'GET',
  });
}

/** The TwiML a leg was given by REST in Voice API request `i`. */
function twimlSent(i: number): TwimlNode {
  return parseTwiml(voice()[i].form.get('Twiml') ?? '');
}

const incoming = () => ({ CallSid: CALLER, From: '+15551230000', To: '+15550100000', CallStatus: 'ringing' });

describe('incoming-call (dial mode)', () => {
  it('dials the agent WITHOUT an action, then the caller queue as the next verb; a completed-status callback; no REST request', async () => {
    const twiml = await twimlOf(incomingCall, incoming());
    expect(verbs(twiml)).toEqual(['Dial', 'Enqueue']);
    const [dial, enqueue] = twiml.children;
    expect(dial.attributes).toEqual({ timeout: '30' });
    expect(dial.children).toHaveLength(1);
    expect(dial.children[0]).toMatchObject({
      verb: 'Number',
      text: '+15550100001',
      attributes: {
        statusCallback: `${URL}/agent-leg-status?CallerCallSid=${CALLER}`,
        statusCallbackEvent: 'answered completed',
        statusCallbackMethod: 'POST',
      },
    });
    expectCallerQueue(enqueue);
    expect(voice()).toHaveLength(0);
  });

  it('uses CALLER_ID, AGENT_RING_TIMEOUT and HOLD_MUSIC_URL when set', async () => {
    const twiml = await twimlOf(incomingCall, incoming(), {
      CALLER_ID: '+15550109999',
      AGENT_RING_TIMEOUT: '12',
      HOLD_MUSIC_URL: 'https://music.example.com/a.mp3',
    });
    expect(twiml.children[0].attributes).toMatchObject({ callerId: '+15550109999', timeout: '12' });
    expect(twiml.children[1].attributes.waitUrl).toBe('https://music.example.com/a.mp3');
  });

  it('dials sip: agents with <Sip>', async () => {
    const twiml = await twimlOf(incomingCall, incoming(), { AGENT_NUMBER: 'sip:agent@example.com' });
    expect(twiml.children[0].children[0]).toMatchObject({ verb: 'Sip', text: 'sip:agent@example.com' });
  });

  it("dials client: agents with <Client><Identity>, handing their SDK the caller's CallSid as <Parameter>", async () => {
    // TwiML <Client>: <Identity> and <Parameter> nouns (https://www.twilio.com/docs/voice/twiml/client).
    const twiml = await twimlOf(incomingCall, incoming(), { AGENT_NUMBER: 'client:alice' });
    const client = twiml.children[0].children[0];
    expect(client.verb).toBe('Client');
    expect(client.children).toEqual([
      expect.objectContaining({ verb: 'Identity', text: 'alice' }),
      expect.objectContaining({ verb: 'Parameter', attributes: { name: 'CallerCallSid', value: CALLER } }),
    ]);
  });

  it('apologises and hangs up when AGENT_NUMBER is missing', async () => {
    const twiml = await twimlOf(incomingCall, incoming(), { AGENT_NUMBER: '' });
    expectSayAndHangup(twiml, SERVICE_UNAVAILABLE);
  });
});

const queueEnd = (queueResult: string, callStatus = 'in-progress') => ({
  CallSid: CALLER,
  CallStatus: callStatus,
  QueueResult: queueResult,
  QueueSid: queueSid(CALLER),
});

describe("hold-queue-ended (the caller's Enqueue action)", () => {
  it.each(['redirected', 'redirected-from-bridged'])(
    "a redirected caller (%s) is answered with the resume's own TwiML, harmless if Twilio runs it; nothing is read or moved",
    async (result) => {
      const twiml = await twimlOf(holdQueueEnded, queueEnd(result));
      expect(verbs(twiml)).toEqual(['Dial', 'Enqueue']);
      expect(twiml.children[0].children.map((c) => [c.verb, c.text])).toEqual([['Queue', `${CALLER}-agent`]]);
      expectCallerQueue(twiml.children[1]);
      expect(voice()).toHaveLength(0);
    },
  );

  it.each(['bridged', 'leave', 'a-value-twilio-adds-later'])(
    'a live caller (%s) is kept on hold, whatever the QueueResult, and nothing is read or moved',
    async (result) => {
      const twiml = await twimlOf(holdQueueEnded, queueEnd(result));
      expect(verbs(twiml)).toEqual(['Enqueue']);
      expectCallerQueue(twiml.children[0]);
      expect(voice()).toHaveLength(0);
    },
  );

  it.each([
    ['hangup', 'completed'],
    ['hangup', 'in-progress'],
    ['bridged', 'completed'],
  ])(
    'the caller is gone (%s, %s): its OWN child, found by ParentCallSid, is told and released; the queues deleted',
    async (result, status) => {
      await hold();
      const [callerQueue, agentQueue] = [queueSid(CALLER), queueSid(`${CALLER}-agent`)];
      await hangup(CALLER);
      const twiml = await twimlOf(holdQueueEnded, { ...queueEnd(result, status), QueueSid: callerQueue });
      expect(verbs(twiml)).toEqual([]);
      expect(requests()).toEqual([
        'GET /Calls.json',
        `POST /Calls/${AGENT}.json`,
        'GET /Queues.json',
        // In the order the Queues list gives them (the emulator's: as made; a hold makes the agent's queue first).
        `DELETE /Queues/${agentQueue}.json`,
        `DELETE /Queues/${callerQueue}.json`,
      ]);
      expect(voice()[0].query.get('ParentCallSid')).toBe(CALLER);
      expectSayAndHangup(twimlSent(1), CALLER_LEFT);
    },
  );

  it("ignores any AgentCallSid in the request: only the caller's own child is ever released", async () => {
    // The other caller's agent leg, live.
    const stranger = emulated.emu.calls().find((c) => c.parentCallSid === OTHER_CALLER)!.sid;
    await twimlOf(holdQueueEnded, { ...queueEnd('hangup', 'completed'), AgentCallSid: stranger });
    expect(posts()).toEqual([`POST /Calls/${AGENT}.json`]);
  });

  it('a queue failure: the caller hears an apology, the agent is released', async () => {
    const twiml = await twimlOf(holdQueueEnded, queueEnd('queue-full'));
    expectSayAndHangup(twiml, SERVICE_UNAVAILABLE);
    expect(posts()).toEqual([`POST /Calls/${AGENT}.json`]);
  });

  it('when the agent lookup fails, still answers (no release, no crash)', async () => {
    emulated.emu.faults.add({ target: 'rest', path: 'Calls.json', status: 500 });
    const twiml = await twimlOf(holdQueueEnded, queueEnd('hangup', 'completed'));
    expect(verbs(twiml)).toEqual([]);
    expect(posts()).toEqual([]);
  });

  it("400 for a request without Twilio's parameters, nothing read", async () => {
    const reply = await invokeFunction(holdQueueEnded, context(), { CallSid: CALLER });
    expect(reply.statusCode).toBe(400);
    expect(voice()).toHaveLength(0);
  });
});

const agentEvent = (extra: Record<string, string> = {}) => ({
  CallerCallSid: CALLER,
  CallSid: AGENT,
  ParentCallSid: CALLER,
  CallStatus: 'in-progress',
  ...extra,
});

describe("agent-hold-loop (the agent queue's waitUrl)", () => {
  it('first request of a wait, the caller waiting on hold: "your caller is on hold", then an hour of silence (one queue read)', async () => {
    await hold();
    const twiml = await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' }));
    expect(verbs(twiml)).toEqual(['Say', 'Pause']);
    expect(twiml.children[0].text).toBe(CALLER_ON_HOLD);
    expect(twiml.children[1].attributes.length).toBe(String(AGENT_HOLD_PAUSE_SECONDS));
    expect(requests()).toEqual(['GET /Queues.json']);
  });

  it('later requests of the same wait: silence only', async () => {
    await hold();
    const twiml = await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '3600' }));
    expect(verbs(twiml)).toEqual(['Pause']);
  });

  it('the caller not waiting (a re-bridge): one more read, of the caller, and the agent stays', async () => {
    await hold();
    await callerOutOfItsQueue();
    expect(verbs(await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' })))).toEqual(['Say', 'Pause']);
    expect(requests()).toEqual(['GET /Queues.json', `GET /Calls/${CALLER}.json`]);
  });

  it('the caller is gone: the agent is told and released', async () => {
    await hold();
    await hangup(CALLER);
    expectSayAndHangup(await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' })), CALLER_LEFT);
  });

  it('the caller cannot be read: the agent stays, on hold', async () => {
    emulated.emu.faults.add({ target: 'rest', status: 500 });
    expect(verbs(await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' })))).toEqual(['Say', 'Pause']);
  });

  describe('the first hold of a deployment checks the rules a hold rests on', () => {
    const alerts = () =>
      (console.error as jest.Mock).mock.calls.map((c) => String(c[0])).filter((line) => line.startsWith('ALERT twilio-rule '));

    it('the caller reached its queue: passed, no alert, and later holds are answered as usual', async () => {
      await hold();
      await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' }));
      await callerOutOfItsQueue();
      const later = await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' }));
      expect(later.children[1].attributes.length).toBe(String(AGENT_HOLD_PAUSE_SECONDS));
      expect(alerts()).toEqual([]);
    });

    it('the live caller is not in its queue: the agent is asked again in a few seconds; still not there, one ALERT line per rule', async () => {
      await hold();
      await callerOutOfItsQueue();
      const first = await twimlOf(agentHoldLoop, agentEvent({ QueueTime: '0' }));
      expect(verbs(first)).toEqual(['Say', 'Pause']);
      expect(first.children[1].attributes.length).toBe(String(RULE_CHECK_PAUSE_SECONDS));
      expect(alerts()).toEqual([]);
      const second = await twimlOf(agentHoldLoop, agentEvent({ QueueTime: String(RULE_CHECK_PAUSE_SECONDS) }));
      expect(verbs(second)).toEqual(['Pause']);
      expect(second.children[0].attributes.length).toBe(String(AGENT_HOLD_PAUSE_SECONDS));
      expect(alerts().map((line) => line.split(':')[0])).toEqual([
        'ALERT twilio-rule child-redirect-ends-dial',
        'ALERT twilio-rule queued-agent-redirect-ends-dial-queue',
        'ALERT twilio-rule dial-without-action-next-verb',
      ]);
      // No request of its own: the same reads as without the check.
      expect(requests()).toEqual(['GET /Queues.json', `GET /Calls/${CALLER}.json`, 'GET /Queues.json', `GET /Calls/${CALLER}.json`]);
    });

    it('a signed agent webhook without ParentCallSid: refused, with an ALERT naming the rule', async () => {
      const reply = await invokeFunction(agentHoldLoop, context(), { CallerCallSid: CALLER, CallSid: AGENT });
      expect(reply.statusCode).toBe(400);
      expect(alerts()).toEqual([expect.stringMatching(/^ALERT twilio-rule agent-webhooks-carry-parent-call-sid: /)]);
    });
  });

  it("400 and nothing read when the leg is not that caller's child", async () => {
    for (const event of [agentEvent({ ParentCallSid: OTHER_CALLER }), { CallerCallSid: CALLER, CallSid: AGENT }]) {
      const reply = await invokeFunction(agentHoldLoop, context(), event);
      expect(reply.statusCode).toBe(400);
    }
    expect(voice()).toHaveLength(0);
  });
});

describe('agent-rejoin-hold (more hold TwiML for the agent)', () => {
  it.each([
    'localhost:3000',
    'call-hold-1234-dev.twil.io',
    `a-very-long-custom-domain-name-for-a-deployment.${'x'.repeat(40)}.example.com`,
  ])('the hold TwiML fits the 4,000 characters of an inline Twiml parameter on %s', async (domain) => {
    const env = { ACCOUNT_SID, AUTH_TOKEN, HOLD_MODE: 'dial', AGENT_NUMBER: '+15550100001' };
    const reply = await invokeFunction(agentRejoinHold, functionContext(env, domain), agentEvent());
    expect(String(reply.body).length).toBeLessThanOrEqual(INLINE_TWIML_BUDGET + 200);
    expect(String(reply.body).length).toBeLessThan(4000);
  });

  it('gives the agent its queue again, no REST request', async () => {
    const twiml = await twimlOf(agentRejoinHold, agentEvent());
    const enqueues = verbs(twiml).filter((v) => v === 'Enqueue').length;
    expect(verbs(twiml)).toEqual([...Array(enqueues).fill('Enqueue'), 'Redirect']);
    expect(enqueues).toBeGreaterThanOrEqual(16);
    expect(twiml.children[0].text).toBe(`${CALLER}-agent`);
    expect(voice()).toHaveLength(0);
  });

  it("400 for a leg that is not that caller's child", async () => {
    expect((await invokeFunction(agentRejoinHold, context(), agentEvent({ ParentCallSid: OTHER_CALLER }))).statusCode).toBe(400);
  });
});

describe("agent-leg-status (the agent leg's final status)", () => {
  it('the agent hung up: the caller is told (whatever it was doing), then the queues are deleted', async () => {
    await hold();
    const [callerQueue, agentQueue] = [queueSid(CALLER), queueSid(`${CALLER}-agent`)];
    await hangup(AGENT);
    const twiml = await twimlOf(agentLegStatus, agentEvent({ CallStatus: 'completed' }));
    expect(verbs(twiml)).toEqual([]);
    // The queues in the order the Queues list gives them (the emulator's: as made; a hold makes the agent's queue first).
    expect(requests()).toEqual([
      `POST /Calls/${CALLER}.json`,
      'GET /Queues.json',
      `DELETE /Queues/${agentQueue}.json`,
      `DELETE /Queues/${callerQueue}.json`,
    ]);
    expectSayAndHangup(twimlSent(0), AGENT_LEFT);
  });

  it.each(['busy', 'no-answer', 'failed'])('the agent never answered (%s): the caller hears the apology', async (status) => {
    await twimlOf(agentLegStatus, agentEvent({ CallStatus: status }));
    expectSayAndHangup(twimlSent(0), AGENT_UNAVAILABLE);
  });

  it('the caller is already gone: the refused message costs one request, nothing else breaks', async () => {
    await hangup(CALLER);
    await twimlOf(agentLegStatus, agentEvent({ CallStatus: 'canceled' }));
    expect(posts()).toEqual([`POST /Calls/${CALLER}.json`]);
  });

  it('a status that is not final does nothing', async () => {
    await twimlOf(agentLegStatus, agentEvent({ CallStatus: 'in-progress' }));
    expect(voice()).toHaveLength(0);
  });

  it("400, and no call touched, when the leg is not the named caller's child (a forged CallerCallSid)", async () => {
    const reply = await invokeFunction(agentLegStatus, context(), agentEvent({ CallStatus: 'completed', CallerCallSid: OTHER_CALLER }));
    expect(reply.statusCode).toBe(400);
    expect(voice()).toHaveLength(0);
  });
});

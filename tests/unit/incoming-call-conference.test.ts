// POST /incoming-call and /agent-status in conference mode: the TwiML the caller gets and the
// agent leg the function asks Twilio to place.
import { handler as incomingCall } from '../../functions/incoming-call.protected';
import { handler as agentStatus } from '../../functions/agent-status.protected';
import { startTwilioProxy, twilioError, type FakeTwilioApi } from '../support/fake-twilio-api';
import {
  ACCOUNT_SID,
  AUTH_TOKEN,
  callInConference,
  startEmulatedTwilio,
  waitingCall,
  type EmulatedTwilio,
} from '../support/emulated-twilio';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml, type TwimlNode } from '../support/twiml';

const AGENT_LEG = 'CA' + '3'.repeat(32);
const DIALLED = '+15550100000';

let api: EmulatedTwilio;
/** The caller's call, in progress on the emulator. */
let CALLER: string;
let PARTICIPANTS: string;
let call: Record<string, string>;

beforeEach(async () => {
  api = await startEmulatedTwilio();
  CALLER = await waitingCall(api);
  PARTICIPANTS = `/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences/${CALLER}/Participants.json`;
  call = { CallSid: CALLER, From: '+15551230000', To: DIALLED, CallStatus: 'ringing', Direction: 'inbound' };
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

function context(env: Record<string, string> = {}, twilioApiUrl = api.url) {
  return functionContext({
    ACCOUNT_SID,
    AUTH_TOKEN,
    AGENT_NUMBER: '+15550100001',
    AGENT_SCREENING: 'off',
    TWILIO_API_BASE_URL: twilioApiUrl,
    // Ringing the agent as such: the line's reads are tested in tests/unit/line-calls.test.ts.
    LINE_MAX_WAIT_SECONDS: '0',
    ...env,
  });
}

function expectApologyAndHangup(twiml: TwimlNode): void {
  expect(twiml.children.map((c) => c.verb)).toEqual(['Say', 'Hangup']);
  expect(twiml.children[0].text).toMatch(/sorry/i);
}

describe('incoming-call (conference mode)', () => {
  it('puts the caller in a conference named after its CallSid, with music while the agent rings', async () => {
    const reply = await invokeFunction(incomingCall, context(), call);
    expect(reply.statusCode).toBe(200);
    expect(reply.headers['Content-Type']).toBe('text/xml');
    const twiml = parseTwiml(String(reply.body));
    expect(twiml.children.map((c) => c.verb)).toEqual(['Dial']);
    const [conference] = twiml.children[0].children;
    expect(conference.verb).toBe('Conference');
    expect(conference.text).toBe(CALLER);
    expect(conference.attributes).toMatchObject({
      participantLabel: 'caller',
      startConferenceOnEnter: 'true',
      endConferenceOnExit: 'true',
      waitUrl: 'http://localhost:3000/hold-music',
      waitMethod: 'POST',
    });
  });

  it('adds the agent to the same conference with the Participants API', async () => {
    await invokeFunction(incomingCall, context(), call);
    expect(api.requests()).toHaveLength(1);
    const [create] = api.requests();
    expect(create.method).toBe('POST');
    expect(create.path).toBe(PARTICIPANTS);
    expect(Object.fromEntries(create.form)).toMatchObject({
      From: DIALLED,
      To: '+15550100001',
      Label: 'agent',
      Timeout: '30',
      EndConferenceOnExit: 'true',
      StartConferenceOnEnter: 'true',
      StatusCallback: `http://localhost:3000/agent-status?CallerCallSid=${CALLER}`,
      StatusCallbackMethod: 'POST',
      StatusCallbackEvent: 'completed',
      WaitUrl: `http://localhost:3000/agent-alone?CallerCallSid=${CALLER}`,
      WaitMethod: 'POST',
    });
  });

  it("uses CALLER_ID and AGENT_RING_TIMEOUT when set; a client: agent gets the caller's CallSid as a custom parameter, sip: is dialled as it is", async () => {
    // Participant resource, To: "Custom parameters may also be specified" (docs/twilio-voice-semantics.md).
    await invokeFunction(
      incomingCall,
      context({ CALLER_ID: '+15550109999', AGENT_RING_TIMEOUT: '15', AGENT_NUMBER: 'client:alice' }),
      call,
    );
    expect(Object.fromEntries(api.requests()[0].form)).toMatchObject({
      From: '+15550109999',
      To: `client:alice?CallerCallSid=${CALLER}`,
      Timeout: '15',
    });
    // Another caller: Twilio refuses a second participant labelled agent in one conference (16025).
    const another = await waitingCall(api);
    await invokeFunction(incomingCall, context({ AGENT_NUMBER: 'sip:agent@pbx.example.com' }), { ...call, CallSid: another });
    expect(api.requests()[0].form.get('To')).toBe('sip:agent@pbx.example.com');
  });

  it.each([
    ['missing', ''],
    ['invalid', '555-0100'],
  ])('apologises and hangs up, without calling Twilio, when AGENT_NUMBER is %s', async (_case, agent) => {
    const reply = await invokeFunction(incomingCall, context({ AGENT_NUMBER: agent }), call);
    expect(reply.statusCode).toBe(200);
    expectApologyAndHangup(parseTwiml(String(reply.body)));
    expect(api.requests()).toHaveLength(0);
    expect(console.error).toHaveBeenCalledWith(expect.stringContaining(CALLER), expect.stringMatching(/AGENT_NUMBER/));
  });

  it('apologises when adding the agent had no clear answer and no conference was created', async () => {
    // Refused before Twilio acted: no conference was created.
    api.emu.faults.add({ target: 'rest', method: 'POST', path: /Participants/, status: 500 });
    const reply = await invokeFunction(incomingCall, context(), call);
    expectApologyAndHangup(parseTwiml(String(reply.body)));
  });

  it('connects the caller when a retried add finds the agent label already in use (16025)', async () => {
    // An earlier try added the agent, but its answer was lost: the label is taken (16025).
    await api.client.conferences(CALLER).participants.create({ from: DIALLED, to: '+15550100001', label: 'agent' });
    api.mark();
    const reply = await invokeFunction(incomingCall, context(), call);
    expect(parseTwiml(String(reply.body)).children.map((c) => c.verb)).toEqual(['Dial']);
  });

  it('answers 400 to a request without a valid CallSid (it did not come from Twilio)', async () => {
    const reply = await invokeFunction(incomingCall, context(), { ...call, CallSid: 'nope' });
    expect(reply.statusCode).toBe(400);
    expect(api.requests()).toHaveLength(0);
  });
});

describe('agent-status (conference mode)', () => {
  let statusUrlQuery: { CallerCallSid: string };
  const CONFERENCES = `/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences.json`;

  beforeEach(async () => {
    // The caller waits alone: its conference has not started (the agent's phone rings on).
    CALLER = (await callInConference(api, { agentAnswers: false })).caller;
    statusUrlQuery = { CallerCallSid: CALLER };
  });

  it.each(['busy', 'no-answer', 'failed', 'canceled'])(
    'tells the waiting caller and ends the call when the agent is %s',
    async (status) => {
      const reply = await invokeFunction(agentStatus, context(), { ...statusUrlQuery, CallSid: AGENT_LEG, CallStatus: status });
      expect(reply.statusCode).toBe(200);
      // One read (is the caller waiting alone?), then the apology.
      expect(api.requests()).toHaveLength(2);
      expect(api.requests()[0]).toMatchObject({ method: 'GET', path: CONFERENCES });
      expect(api.requests()[0].query.get('FriendlyName')).toBe(CALLER);
      expect(api.requests()[0].query.get('Status')).toBe('init');
      const redirect = api.requests()[1];
      expect(redirect.path).toBe(`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${CALLER}.json`);
      expectApologyAndHangup(parseTwiml(redirect.form.get('Twiml') ?? ''));
    },
  );

  it('ends nothing when the caller is not waiting alone (its conference started, or is over): a late or repeated callback', async () => {
    // Its conference started: the agent answered.
    await api.emu.answer(api.emu.conferences()[0].participants.find((p) => p.label === 'agent')!.callSid);
    await api.emu.settle();
    api.mark();
    const reply = await invokeFunction(agentStatus, context(), { ...statusUrlQuery, CallSid: AGENT_LEG, CallStatus: 'busy' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().map((r) => r.method)).toEqual(['GET']);
  });

  it('still apologizes when the check cannot be made (Twilio 500): the signed request is trusted', async () => {
    api.emu.faults.add({ target: 'rest', method: 'GET', path: /Conferences/, status: 500 });
    await invokeFunction(agentStatus, context(), { ...statusUrlQuery, CallSid: AGENT_LEG, CallStatus: 'busy' });
    expect(
      api
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => r.path),
    ).toEqual([`/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${CALLER}.json`]);
  });

  it('does nothing when the agent leg completed normally', async () => {
    const reply = await invokeFunction(agentStatus, context(), { ...statusUrlQuery, CallSid: AGENT_LEG, CallStatus: 'completed' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests()).toHaveLength(0);
  });

  it('answers 400 without a CallerCallSid', async () => {
    const reply = await invokeFunction(agentStatus, context(), { CallSid: AGENT_LEG, CallStatus: 'busy' });
    expect(reply.statusCode).toBe(400);
  });
});

/**
 * Answers the emulator cannot give, injected by the recording stand-in in front of it: Twilio's
 * 21211 refusal of the agent's number, an error after Twilio did place the call (a 502), and 21220
 * for a caller gone between the check and the redirect.
 */
describe('answers injected by the stand-in', () => {
  let fake: FakeTwilioApi;
  afterEach(() => fake.close());

  it('apologises and hangs up when Twilio will not place the agent call', async () => {
    fake = await startTwilioProxy(api.url, (request) =>
      request.path === PARTICIPANTS ? twilioError(400, 21211, "The 'To' number is not a valid phone number.") : undefined,
    );
    const reply = await invokeFunction(incomingCall, context({}, fake.url), call);
    expectApologyAndHangup(parseTwiml(String(reply.body)));
  });

  it('connects the caller anyway when adding the agent had no clear answer but Twilio did place the call', async () => {
    fake = await startTwilioProxy(api.url, (request) =>
      request.path === PARTICIPANTS ? { applied: twilioError(502, 20500, 'Bad gateway') } : undefined,
    );
    const reply = await invokeFunction(incomingCall, context({}, fake.url), call);
    expect(parseTwiml(String(reply.body)).children.map((c) => c.verb)).toEqual(['Dial']);
    expect(fake.requests.map((r) => r.method)).toEqual(['POST', 'GET']);
    expect(fake.requests[1].query.get('FriendlyName')).toBe(CALLER);
    expect(fake.requests[1].query.get('Status')).toBe('init');
  });

  it('is fine when the caller already hung up', async () => {
    // The caller waits alone for the agent, and hangs up before the apology reaches it.
    CALLER = (await callInConference(api, { agentAnswers: false })).caller;
    const callerCall = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${CALLER}.json`;
    fake = await startTwilioProxy(api.url, (request) =>
      request.method === 'POST' && request.path === callerCall
        ? twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.')
        : undefined,
    );
    const reply = await invokeFunction(agentStatus, context({}, fake.url), {
      CallerCallSid: CALLER,
      CallSid: AGENT_LEG,
      CallStatus: 'no-answer',
    });
    expect(reply.statusCode).toBe(200);
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([callerCall]);
  });
});

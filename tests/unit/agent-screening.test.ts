// Screening of the agent's answer: the settings, the words, what /incoming-call asks of Twilio with
// screening on (both modes), /agent-screen's answers, and /agent-status for a screened agent that
// never took the call. Call flows over HTTP: tests/e2e/screening.test.ts.
import { handler as incomingCall } from '../../functions/incoming-call.protected';
import { handler as agentScreen } from '../../functions/agent-screen.protected';
import { handler as agentStatus } from '../../functions/agent-status.protected';
import { agentScreening } from '../../lib/shared/settings';
import { parsePartyAddress, type PartyAddress } from '../../lib/platform/party-address';
import { screeningPrompt, screeningWords, spokenNumber } from '../../lib/shared/agent-screening';
import { startTwilioProxy, type FakeTwilioApi } from '../support/fake-twilio-api';
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
/** A well-formed CallSid for the requests refused before any REST (the table is built before the call is). */
const A_CALL = 'CA' + '2'.repeat(32);
const CALLS = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls.json`;
const number = parsePartyAddress('+15550100001') as PartyAddress;

let api: EmulatedTwilio;
/** The caller's call, in progress on the emulator. */
let CALLER: string;
let call: Record<string, string>;

beforeEach(async () => {
  api = await startEmulatedTwilio();
  CALLER = await waitingCall(api);
  call = { CallSid: CALLER, From: '+15551230000', To: '+15550100000', CallStatus: 'ringing', Direction: 'inbound' };
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
});

afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

// The line of waiting callers is off: its reads of the agent's calls are tested in line-calls.test.ts.
function context(env: Record<string, string> = {}, twilioApiUrl = api.url) {
  return functionContext({
    ACCOUNT_SID,
    AUTH_TOKEN,
    AGENT_NUMBER: '+15550100001',
    TWILIO_API_BASE_URL: twilioApiUrl,
    LINE_MAX_WAIT_SECONDS: '0',
    ...env,
  });
}

const verbs = (twiml: TwimlNode) => twiml.children.map((c) => c.verb);

describe('AGENT_SCREENING and AGENT_SCREENING_TEXT', () => {
  it('is on by default for number and SIP agents, never for client: agents, off when told', () => {
    expect(agentScreening({}, number)).toEqual({ text: undefined });
    expect(agentScreening({ AGENT_SCREENING: 'ON' }, parsePartyAddress('sip:agent@pbx.example.com')!)).toEqual({ text: undefined });
    expect(agentScreening({}, parsePartyAddress('client:alice')!)).toBeUndefined();
    expect(agentScreening({ AGENT_SCREENING: 'off' }, number)).toBeUndefined();
  });

  it.each([
    [{ AGENT_SCREENING: 'yes' }, /AGENT_SCREENING must be "on" or "off"/],
    [{ AGENT_SCREENING_TEXT: 'x'.repeat(301) }, /at most 300 characters/],
    [{ AGENT_SCREENING_TEXT: 'Call from {caller}' }, /only use the placeholder \{from\}, not \{caller\}/],
    [{ AGENT_SCREENING_TEXT: 'bell\u0007' }, /control character/],
  ])('refuses %j as a misconfiguration', (env, message) => {
    expect(() => agentScreening(env, number)).toThrow(
      expect.objectContaining({ kind: 'misconfigured', message: expect.stringMatching(message) }),
    );
  });

  it("fills {from} with the caller's number digit by digit, and names a withheld number", () => {
    expect(spokenNumber('+15551230000')).toBe('1 5 5 5 1 2 3 0 0 0 0');
    expect(spokenNumber('anonymous')).toBe('a withheld number');
    expect(screeningWords({ text: 'Caller {from}, press a key. {from}' }, '+4412')).toBe('Caller 4 4 1 2, press a key. 4 4 1 2');
    expect(screeningWords({}, '+4412')).toBe('A call from 4 4 1 2. Press any key to take it.');
  });

  it('asks for one key of any kind within a few seconds, and hangs up without one', () => {
    const twiml = parseTwiml(screeningPrompt('Call', 'https://x.example/agent-screen?Step=accept').toString());
    expect(verbs(twiml)).toEqual(['Gather', 'Hangup']);
    expect(twiml.children[0].attributes).toEqual({
      numDigits: '1',
      finishOnKey: '',
      timeout: '5',
      action: 'https://x.example/agent-screen?Step=accept',
      method: 'POST',
    });
    expect(twiml.children[0].children.map((c) => c.text)).toEqual(['Call']);
  });
});

describe('/incoming-call with screening', () => {
  it('conference mode: calls the agent with the Calls API, the prompt inline, and puts the caller in the conference', async () => {
    const reply = await invokeFunction(incomingCall, context(), call);
    const twiml = parseTwiml(String(reply.body));
    expect(twiml.children[0].children[0].verb).toBe('Conference');
    const voice = api.requests().filter((r) => r.path.startsWith('/2010-04-01'));
    expect(voice.map((r) => r.path)).toEqual([CALLS]);
    const form = voice[0].form;
    expect(form.get('To')).toBe('+15550100001');
    expect(form.get('StatusCallback')).toBe(`http://localhost:3000/agent-status?CallerCallSid=${CALLER}&Screened=true`);
    const prompt = parseTwiml(form.get('Twiml')!);
    expect(verbs(prompt)).toEqual(['Gather', 'Hangup']);
    expect(prompt.children[0].attributes.action).toBe(`http://localhost:3000/agent-screen?CallerCallSid=${CALLER}&Step=accept`);
    expect(prompt.children[0].children[0].text).toBe('A call from 1 5 5 5 1 2 3 0 0 0 0. Press any key to take it.');
  });

  it('conference mode: a request to call the agent that fails is an apology to the caller', async () => {
    // A refusal the emulator never sends, injected in front of it.
    const fake: FakeTwilioApi = await startTwilioProxy(api.url, (request) =>
      request.path === CALLS ? { status: 400, body: { code: 21211, message: 'bad To', status: 400 } } : undefined,
    );
    try {
      const twiml = parseTwiml(String((await invokeFunction(incomingCall, context({}, fake.url), call)).body));
      expect(verbs(twiml)).toEqual(['Say', 'Hangup']);
    } finally {
      await fake.close();
    }
  });

  it("dial mode: the agent's <Number url> is the prompt; no answered callback (the key press records the connection)", async () => {
    const twiml = parseTwiml(String((await invokeFunction(incomingCall, context({ HOLD_MODE: 'dial' }), call)).body));
    const agent = twiml.children[0].children[0];
    expect(agent.verb).toBe('Number');
    expect(agent.attributes).toMatchObject({
      url: `http://localhost:3000/agent-screen?CallerCallSid=${CALLER}&CallerNumber=%2B15551230000`,
      method: 'POST',
      statusCallbackEvent: 'completed',
    });
  });

  it('client: agents are not screened in either mode', async () => {
    const twiml = parseTwiml(
      String((await invokeFunction(incomingCall, context({ HOLD_MODE: 'dial', AGENT_NUMBER: 'client:alice' }), call)).body),
    );
    expect(twiml.children[0].children[0].attributes.url).toBeUndefined();
    await invokeFunction(incomingCall, context({ AGENT_NUMBER: 'client:alice' }), call);
    expect(api.requests().some((r) => r.path === CALLS)).toBe(false);
  });
});

describe('/agent-screen', () => {
  it("dial mode without Step: the prompt with the caller's number", async () => {
    const reply = await invokeFunction(agentScreen, context({ HOLD_MODE: 'dial' }), {
      CallerCallSid: CALLER,
      CallerNumber: '+15551230000',
      CallSid: AGENT_LEG,
      ParentCallSid: CALLER,
    });
    const twiml = parseTwiml(String(reply.body));
    expect(verbs(twiml)).toEqual(['Gather', 'Hangup']);
    expect(twiml.children[0].children[0].text).toContain('1 5 5 5 1 2 3 0 0 0 0');
  });

  it('dial mode, a key: an empty document (the legs are bridged); conference mode: the agent joins the caller\'s conference as "agent"', async () => {
    const dial = await invokeFunction(agentScreen, context({ HOLD_MODE: 'dial' }), {
      CallerCallSid: CALLER,
      Step: 'accept',
      Digits: '#',
      CallSid: AGENT_LEG,
      ParentCallSid: CALLER,
    });
    expect(verbs(parseTwiml(String(dial.body)))).toEqual([]);
    const conf = parseTwiml(
      String(
        (await invokeFunction(agentScreen, context(), { CallerCallSid: CALLER, Step: 'accept', Digits: '1', CallSid: AGENT_LEG })).body,
      ),
    );
    const conference = conf.children[0].children[0];
    expect(conference.text).toBe(CALLER);
    expect(conference.attributes).toMatchObject({
      participantLabel: 'agent',
      endConferenceOnExit: 'true',
      waitUrl: `http://localhost:3000/agent-alone?CallerCallSid=${CALLER}`,
    });
  });

  it("no key: the agent's leg hangs up", async () => {
    const reply = await invokeFunction(agentScreen, context(), { CallerCallSid: CALLER, Step: 'accept', Digits: '', CallSid: AGENT_LEG });
    expect(verbs(parseTwiml(String(reply.body)))).toEqual(['Hangup']);
  });

  it.each([
    ['an unknown Step', { CallerCallSid: A_CALL, Step: 'reject', CallSid: AGENT_LEG }],
    ['a malformed CallerCallSid', { CallerCallSid: 'CA1', CallSid: AGENT_LEG }],
    ["another call's child", { CallerCallSid: A_CALL, CallSid: AGENT_LEG, ParentCallSid: 'CA' + '9'.repeat(32) }],
  ])('answers 400 to %s', async (_case, event) => {
    expect((await invokeFunction(agentScreen, context({ HOLD_MODE: 'dial' }), event)).statusCode).toBe(400);
  });
});

describe('/agent-status of a screened agent', () => {
  let completed: Record<string, string>;
  beforeEach(async () => {
    // The caller waits alone in its conference.
    CALLER = (await callInConference(api, { withAgent: false })).caller;
    completed = { CallerCallSid: CALLER, Screened: 'true', CallSid: AGENT_LEG, CallStatus: 'completed' };
  });

  it('a leg that ended while the caller still waits alone (no key): the caller is told', async () => {
    await invokeFunction(agentStatus, context(), completed);
    const update = api.requests().find((r) => r.path.endsWith(`/Calls/${CALLER}.json`));
    expect(update?.form.get('Twiml')).toMatch(/no one is available/);
  });

  it('a leg that ended after the call (the conference is over): nothing', async () => {
    await api.emu.hangup(CALLER);
    await api.emu.settle();
    api.mark();
    await invokeFunction(agentStatus, context(), completed);
    expect(api.requests().some((r) => r.path.endsWith(`/Calls/${CALLER}.json`))).toBe(false);
  });

  it("an unscreened agent's completed leg costs no request", async () => {
    const { Screened: _screened, ...unscreened } = completed;
    await invokeFunction(agentStatus, context(), unscreened);
    expect(api.requests().filter((r) => r.path.startsWith('/2010-04-01'))).toEqual([]);
  });
});

// /agent-alone: the agent's conference waitUrl, heard only when the caller never joined.
import { handler as agentAlone } from '../../functions/agent-alone.protected';
import { startTwilioProxy, twilioError, type FakeTwilioApi } from '../support/fake-twilio-api';
import { ACCOUNT_SID, AUTH_TOKEN, callInConference, startEmulatedTwilio, type EmulatedTwilio } from '../support/emulated-twilio';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

let api: EmulatedTwilio;
let CALLER: string;
let AGENT_LEG: string;
let CONFERENCES: string;
let AGENT_PARTICIPANT: string;
let AGENT_CALL: string;

/** The caller's conference (init: the caller never joined) holds the agent's leg, answered. */
beforeEach(async () => {
  api = await startEmulatedTwilio();
  const alone = await callInConference(api, { callerJoins: false });
  CALLER = alone.caller;
  AGENT_LEG = alone.agent;
  CONFERENCES = `/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences.json`;
  AGENT_PARTICIPANT = `/2010-04-01/Accounts/${ACCOUNT_SID}/Conferences/${alone.conference}/Participants/${AGENT_LEG}.json`;
  AGENT_CALL = `/2010-04-01/Accounts/${ACCOUNT_SID}/Calls/${AGENT_LEG}.json`;
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

const context = (twilioApiUrl = api.url) => functionContext({ ACCOUNT_SID, AUTH_TOKEN, TWILIO_API_BASE_URL: twilioApiUrl });

describe('agent-alone', () => {
  it('first gives the caller a short grace: a Pause, then a Redirect back with Waited=true, and no REST', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER });
    const twiml = parseTwiml(String(reply.body));
    expect(twiml.children.map((c) => c.verb)).toEqual(['Pause', 'Redirect']);
    expect(Number(twiml.children[0].attributes.length)).toBeGreaterThan(0);
    expect(twiml.children[1].text).toBe(`http://localhost:3000/agent-alone?CallerCallSid=${CALLER}&Waited=true`);
    expect(api.requests()).toHaveLength(0);
  });

  it('then tells the agent the caller is gone and ends the agent leg', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    // First it makes sure that the leg is in the caller's conference, then it releases it.
    expect(api.requests().map((r) => `${r.method} ${r.path}`)).toEqual([
      `GET ${CONFERENCES}`,
      `GET ${AGENT_PARTICIPANT}`,
      `POST ${AGENT_CALL}`,
    ]);
    expect(api.requests()[0].query.get('FriendlyName')).toBe(CALLER);
    const release = parseTwiml(api.requests()[2].form.get('Twiml') ?? '');
    expect(release.children.map((c) => c.verb)).toEqual(['Say', 'Hangup']);
    expect(release.children[0].text).toMatch(/no longer on the line/);
  });

  it("ends nothing when the CallSid is not a participant of that caller's conference (a stranger's call)", async () => {
    const stranger = 'CA' + '9'.repeat(32);
    const reply = await invokeFunction(agentAlone, context(), { CallSid: stranger, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('ends nothing when the caller has no conference at all', async () => {
    const withoutConference = 'CA' + '2'.repeat(32);
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: withoutConference, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests().filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('still releases the agent when the check cannot be made (Twilio 500): the signed request is trusted', async () => {
    api.emu.faults.add({ target: 'rest', method: 'GET', path: /Conferences\.json/, status: 500 });
    await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(
      api
        .requests()
        .filter((r) => r.method === 'POST')
        .map((r) => r.path),
    ).toEqual([AGENT_CALL]);
  });

  it('answers 400 without a CallerCallSid', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG });
    expect(reply.statusCode).toBe(400);
  });
});

/** An answer the emulator cannot give, injected in front of it: 21220 for a leg that ended between the check and the release. */
describe('agent-alone, answers injected by the stand-in', () => {
  let fake: FakeTwilioApi;
  beforeEach(async () => {
    fake = await startTwilioProxy(api.url, (request) =>
      request.method === 'POST' && request.path === AGENT_CALL
        ? twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.')
        : undefined,
    );
  });
  afterEach(() => fake.close());

  it('is fine when the agent leg has already ended', async () => {
    const reply = await invokeFunction(agentAlone, context(fake.url), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(console.error).not.toHaveBeenCalled();
    expect(fake.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([AGENT_CALL]);
  });
});

// /agent-alone: the agent's conference waitUrl, heard only when the caller never joined.
import { handler as agentAlone } from '../../functions/agent-alone.protected';
import { startFakeTwilioApi, TEST_ACCOUNT_SID, TEST_AUTH_TOKEN, twilioError, type FakeTwilioApi } from '../support/fake-twilio-api';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

const CALLER = 'CA' + '2'.repeat(32);
const AGENT_LEG = 'CA' + '3'.repeat(32);
let api: FakeTwilioApi;

beforeEach(async () => {
  api = await startFakeTwilioApi(() => ({ status: 200, body: { sid: AGENT_LEG, status: 'in-progress' } }));
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

const context = () =>
  functionContext({ ACCOUNT_SID: TEST_ACCOUNT_SID, AUTH_TOKEN: TEST_AUTH_TOKEN, TWILIO_API_BASE_URL: api.url });

describe('agent-alone', () => {
  it('first gives the caller a short grace: a Pause, then a Redirect back with Waited=true, and no REST', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER });
    const twiml = parseTwiml(String(reply.body));
    expect(twiml.children.map((c) => c.verb)).toEqual(['Pause', 'Redirect']);
    expect(Number(twiml.children[0].attributes.length)).toBeGreaterThan(0);
    expect(twiml.children[1].text).toBe(`http://localhost:3000/agent-alone?CallerCallSid=${CALLER}&Waited=true`);
    expect(api.requests).toHaveLength(0);
  });

  it('then tells the agent the caller is gone and ends the agent leg', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests).toHaveLength(1);
    expect(api.requests[0].path).toBe(`/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Calls/${AGENT_LEG}.json`);
    const release = parseTwiml(api.requests[0].form.get('Twiml') ?? '');
    expect(release.children.map((c) => c.verb)).toEqual(['Say', 'Hangup']);
    expect(release.children[0].text).toMatch(/no longer on the line/);
  });

  it('is fine when the agent leg has already ended', async () => {
    api.route = () => twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.');
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(console.error).not.toHaveBeenCalled();
  });

  it('answers 400 without a CallerCallSid', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG });
    expect(reply.statusCode).toBe(400);
  });
});

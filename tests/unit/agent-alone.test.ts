// /agent-alone: the agent's conference waitUrl, heard only when the caller never joined.
import { handler as agentAlone } from '../../functions/agent-alone.protected';
import {
  conferenceListJson,
  participantJson,
  startFakeTwilioApi,
  TEST_ACCOUNT_SID,
  TEST_AUTH_TOKEN,
  twilioError,
  type FakeReply,
  type FakeTwilioApi,
  type RecordedRequest,
} from '../support/fake-twilio-api';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

const CALLER = 'CA' + '2'.repeat(32);
const AGENT_LEG = 'CA' + '3'.repeat(32);
let api: FakeTwilioApi;

const CONFERENCE = 'CF' + '4'.repeat(32);
const CONFERENCES = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Conferences.json`;
const AGENT_PARTICIPANT = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Conferences/${CONFERENCE}/Participants/${AGENT_LEG}.json`;
const AGENT_CALL = `/2010-04-01/Accounts/${TEST_ACCOUNT_SID}/Calls/${AGENT_LEG}.json`;

/** The caller's conference (init: the caller never joined) holds the agent's leg. */
function twilioWithAgentAlone(request: RecordedRequest): FakeReply {
  if (request.path === CONFERENCES) return { status: 200, body: conferenceListJson([{ sid: CONFERENCE, friendlyName: CALLER, status: 'init' }]) };
  if (request.path === AGENT_PARTICIPANT) return { status: 200, body: participantJson({ conferenceSid: CONFERENCE, callSid: AGENT_LEG, label: 'agent', hold: false }) };
  if (request.path === AGENT_CALL) return { status: 200, body: { sid: AGENT_LEG, status: 'in-progress' } };
  return twilioError(404, 20404, 'The requested resource was not found');
}

beforeEach(async () => {
  api = await startFakeTwilioApi(twilioWithAgentAlone);
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
    // First it makes sure that the leg is in the caller's conference, then it releases it.
    expect(api.requests.map((r) => `${r.method} ${r.path}`)).toEqual([`GET ${CONFERENCES}`, `GET ${AGENT_PARTICIPANT}`, `POST ${AGENT_CALL}`]);
    expect(api.requests[0].query.get('FriendlyName')).toBe(CALLER);
    const release = parseTwiml(api.requests[2].form.get('Twiml') ?? '');
    expect(release.children.map((c) => c.verb)).toEqual(['Say', 'Hangup']);
    expect(release.children[0].text).toMatch(/no longer on the line/);
  });

  it('ends nothing when the CallSid is not a participant of that caller\'s conference (a stranger\'s call)', async () => {
    const stranger = 'CA' + '9'.repeat(32);
    const reply = await invokeFunction(agentAlone, context(), { CallSid: stranger, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('ends nothing when the caller has no conference at all', async () => {
    api.route = (request) => (request.path === CONFERENCES ? { status: 200, body: conferenceListJson([]) } : twilioWithAgentAlone(request));
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(api.requests.filter((r) => r.method === 'POST')).toEqual([]);
  });

  it('still releases the agent when the check cannot be made (Twilio 500): the signed request is trusted', async () => {
    api.route = (request) => (request.path === CONFERENCES ? twilioError(500, 20500, 'Internal Server Error') : twilioWithAgentAlone(request));
    await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(api.requests.filter((r) => r.method === 'POST').map((r) => r.path)).toEqual([AGENT_CALL]);
  });

  it('is fine when the agent leg has already ended', async () => {
    api.route = (request) =>
      request.path === AGENT_CALL ? twilioError(400, 21220, 'Call is not in-progress. Cannot redirect.') : twilioWithAgentAlone(request);
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG, CallerCallSid: CALLER, Waited: 'true' });
    expect(reply.statusCode).toBe(200);
    expect(console.error).not.toHaveBeenCalled();
  });

  it('answers 400 without a CallerCallSid', async () => {
    const reply = await invokeFunction(agentAlone, context(), { CallSid: AGENT_LEG });
    expect(reply.statusCode).toBe(400);
  });
});

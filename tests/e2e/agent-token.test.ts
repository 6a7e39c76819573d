// A client: agent's softphone, end to end over real HTTP with everything but the Voice SDK itself:
// the softphone's own request code (examples/agent-softphone/agent-api.ts) gets a Voice token from
// the BUILT /agent-token under twilio-run, reads CallerCallSid off the agent's incoming leg (the
// emulator records the custom parameters a Device would expose as call.customParameters), and holds
// and resumes the caller with it. The Device's registration with Twilio cannot run offline.
// Needs `npm run build` first.
import { createHmac } from 'node:crypto';
import { AgentApiError, callerCallSidOf, fetchAgentToken, setCallerHold } from '../../examples/agent-softphone/agent-api';
import { AGENT_ANSWERS_AFTER_MS, E2E_ACCOUNT_SID, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

const API_KEY = 'SK' + 'e2e0'.repeat(8);
const API_SECRET = 'e2e-api-key-secret-0123456789abcdef';
const TWIML_APP = 'AP' + 'e2e0'.repeat(8);

describe.each(['conference', 'dial'] as const)("%s mode: a client: agent's softphone", (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({
      mode,
      env: { AGENT_NUMBER: 'client:alice', TWILIO_API_KEY: API_KEY, TWILIO_API_SECRET: API_SECRET, TWIML_APP_SID: TWIML_APP },
    });
  });
  afterAll(async () => {
    await h.close();
  });

  it('gets a Voice token for client:alice, signed with the API key', async () => {
    const answer = await fetchAgentToken(h.functions.url, HOLD_API_TOKEN);
    expect(answer).toMatchObject({ identity: 'alice', ttlSeconds: 3600 });
    const [header, payload, signature] = answer.token.split('.');
    expect(createHmac('sha256', API_SECRET).update(`${header}.${payload}`).digest('base64url')).toBe(signature);
    const claims = JSON.parse(Buffer.from(payload, 'base64url').toString('utf8')) as Record<string, unknown>;
    expect(claims).toMatchObject({
      iss: API_KEY,
      sub: E2E_ACCOUNT_SID,
      grants: { identity: 'alice', voice: { incoming: { allow: true }, outgoing: { application_sid: TWIML_APP } } },
    });
  });

  it('is refused a token with a wrong HOLD_API_TOKEN', async () => {
    const refused = fetchAgentToken(h.functions.url, 'not-the-token');
    await expect(refused).rejects.toEqual(new AgentApiError(401, 'That token was refused.'));
  });

  it('holds and resumes the caller by the CallerCallSid its incoming call carries', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS + 100);
    const agentLeg = h.emu.call(h.agentOf(caller)!)!;
    const callerCallSid = callerCallSidOf(new Map(Object.entries(agentLeg.customParameters ?? {})));
    expect(callerCallSid).toBe(caller);

    await expect(setCallerHold(h.functions.url, HOLD_API_TOKEN, callerCallSid!, true)).resolves.toBe(true);
    await h.emu.settle();
    await h.advance(1000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    await expect(setCallerHold(h.functions.url, HOLD_API_TOKEN, callerCallSid!, false)).resolves.toBe(false);
    await h.emu.settle();
    await h.advance(1000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agentLeg.sid] });
    await h.partyHangsUp(caller);
    await h.advance(1000);
  });
});

// examples/hold-client.ts, run as agent software would run it: list the live calls (GET /calls),
// hold one, resume it, hold it again; over real HTTP against the emulator and the BUILT functions
// under twilio-run, in both modes. Also shows why the client keeps the SIDs the answers hand back:
// once it has them, a hold is one REST request to Twilio. Needs `npm run build` first.
import { HoldApiError, HoldClient } from '../../examples/hold-client';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

describe.each(['conference', 'dial'] as const)('examples/hold-client.ts, %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode });
  });
  afterAll(async () => {
    await h.close();
  });

  it('lists the call, holds it, resumes it, and holds it again', async () => {
    const client = new HoldClient(h.functions.url, HOLD_API_TOKEN);
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS + 100);
    const agent = h.agentOf(caller);
    expect(agent).toBeDefined();

    const calls = await client.listCalls();
    const listed = calls.find((c) => c.callSid === caller);
    expect(listed).toMatchObject({ callSid: caller, mode, state: 'talking', agentCallSid: agent });

    expect(await client.hold(caller)).toMatchObject({ callSid: caller, mode, held: true });
    await h.advance(1000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });

    expect(await client.resume(caller)).toMatchObject({ callSid: caller, held: false });
    await h.advance(1000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });

    expect(await client.hold(caller)).toMatchObject({ held: true });
    await h.advance(1000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });

    await h.partyHangsUp(caller);
    await h.advance(1000);
  });

  it('reports a refusal in the API\'s own words', async () => {
    const client = new HoldClient(h.functions.url, 'not-the-token-0123456789abcdef0123');
    const refusal = await client.hold('CA0123456789abcdef0123456789abcdef').catch((error: unknown) => error);
    expect(refusal).toBeInstanceOf(HoldApiError);
    expect(refusal).toMatchObject({ status: 401, error: 'unauthorized' });
  });
});

describe('examples/hold-client.ts passes back the SIDs it learned (conference mode)', () => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode: 'conference' });
  });
  afterAll(async () => {
    await h.close();
  });

  it('so that a hold is one REST request to Twilio, with nothing read first', async () => {
    const client = new HoldClient(h.functions.url, HOLD_API_TOKEN);
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS + 100);
    await client.listCalls();
    const before = h.restLog().length;
    expect(await client.hold(caller)).toMatchObject({ held: true });
    await h.advance(0);
    const voiceRequests = h.restLog().slice(before).map((entry) => entry.summary).filter((summary) => summary.includes('/2010-04-01/'));
    expect(voiceRequests).toEqual([expect.stringMatching(new RegExp(`^POST /2010-04-01/Accounts/AC\\w+/Conferences/CF\\w+/Participants/${caller}\\.json -> 200`))]);
    await h.partyHangsUp(caller);
    await h.advance(1000);
  });
});

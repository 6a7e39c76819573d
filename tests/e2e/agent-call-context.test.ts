// How a softphone agent finds its call (docs/finding-the-call.md): with AGENT_NUMBER=client:alice,
// the agent's leg carries the caller's CallSid as the custom parameter CallerCallSid, in both
// modes, and that CallSid is all /hold needs. Over real HTTP: the emulator plays Twilio (it records
// the custom parameters a Voice SDK would expose as call.customParameters), the BUILT functions run
// under twilio-run. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, startE2e, type E2eHarness } from '../../harness/e2e';

describe.each(['conference', 'dial'] as const)("%s mode: the caller's CallSid reaches a client: agent's leg", (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode, env: { AGENT_NUMBER: 'client:alice' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it("as the custom parameter CallerCallSid, which the agent's software can hold with", async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS + 100);
    const agent = h.agentOf(caller);
    expect(agent).toBeDefined();
    const agentLeg = h.emu.call(agent!)!;
    expect(agentLeg.to).toBe('client:alice');
    expect(agentLeg.customParameters).toEqual({ CallerCallSid: caller });
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });

    // What the agent's software does with it: hold and resume the caller by that CallSid.
    const held = await h.control('hold', { CallSid: agentLeg.customParameters!.CallerCallSid });
    expect(held.status).toBe(200);
    expect(held.body).toMatchObject({ callSid: caller, mode, held: true });
    await h.advance(1000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    const resumed = await h.control('unhold', { CallSid: caller });
    expect(resumed.body).toMatchObject({ callSid: caller, held: false });
    await h.advance(1000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    await h.partyHangsUp(caller);
    await h.advance(1000);
  });
});

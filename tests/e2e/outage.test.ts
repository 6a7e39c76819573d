// An outage of the functions, for real: twilio-run is stopped while calls are held or talking, so
// every webhook the emulator sends fails to connect, then started again on the same port. The rule:
// no outage shorter than the hold drops a party, and /unhold works when the functions are back.
// What an outage costs is stated in docs/reliability.md; each test here checks one statement.
// Needs `npm run build` first.
import { CALLER_ON_HOLD } from '../../lib/dial/twiml';
import { AGENT_ANSWERS_AFTER_MS, startE2e, type E2eHarness } from '../../harness/e2e';
import { AGENT_HOLD_PAUSE_SECONDS } from '../../lib/dial/twiml';

const OUTAGE_MS = 40_000;

function holdMusic(h: E2eHarness): { kind: 'music'; url: string } {
  return { kind: 'music', url: `${h.functions.url}/hold-music.mp3` };
}

async function connected(h: E2eHarness): Promise<{ caller: string; agent: string }> {
  const caller = await h.placeCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  const agent = h.agentOf(caller);
  if (!agent) throw new Error('no agent leg');
  expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
  return { caller, agent };
}

/** The outage: the functions are stopped for `ms` of virtual time, then started again. */
async function outage(h: E2eHarness, ms: number, during?: () => Promise<void>): Promise<void> {
  await h.functionsDown();
  try {
    await during?.();
    await h.advance(ms);
  } finally {
    await h.functionsBack();
  }
}

describe('dial mode', () => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode: 'dial' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a held call survives a 40 s outage untouched, and /unhold (then /hold) works once the functions are back', async () => {
    const call = await connected(h);
    const hold = await h.control('hold', { CallSid: call.caller });
    expect(hold.status).toBe(200);
    await outage(h, OUTAGE_MS);
    expect(h.hears(call.caller)).toEqual(holdMusic(h));
    expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
    expect(h.droppedCalls([call.caller, call.agent])).toEqual([]);
    expect((await h.control('unhold', { CallSid: call.caller, AgentHandle: String(hold.body.agentHandle) })).status).toBe(200);
    expect(h.hears(call.caller)).toEqual({ kind: 'party', callSids: [call.agent] });
    // And a bridged call through an outage, then held again.
    await outage(h, OUTAGE_MS);
    expect(h.hears(call.caller)).toEqual({ kind: 'party', callSids: [call.agent] });
    expect((await h.control('hold', { CallSid: call.caller })).status).toBe(200);
    expect(h.hears(call.caller)).toEqual(holdMusic(h));
    expect(h.hears(call.agent)).toEqual({ kind: 'speech', text: CALLER_ON_HOLD });
    expect(h.droppedCalls([call.caller, call.agent])).toEqual([]);
    await h.partyHangsUp(call.caller);
    await h.advance(10_000);
    expect(h.hears(call.agent)).toBe('ended');
  }, 60_000);

  it('the cost: a caller hanging up during the outage leaves the agent in silence until its hourly waitUrl request releases it (told, not dropped)', async () => {
    const call = await connected(h);
    expect((await h.control('hold', { CallSid: call.caller })).status).toBe(200);
    const heldAt = h.emu.now();
    await outage(h, OUTAGE_MS, () => h.partyHangsUp(call.caller));
    expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
    await h.advance(AGENT_HOLD_PAUSE_SECONDS * 1000 - OUTAGE_MS - 5_000);
    expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
    await h.advance(15_000);
    expect(h.hears(call.agent)).toBe('ended');
    // Released by the waitUrl's next request, an hour (plus the announcement) after the hold, told first.
    const endedAfter = h.emu.call(call.agent)!.endedAt! - heldAt;
    expect(endedAfter).toBeGreaterThan(AGENT_HOLD_PAUSE_SECONDS * 1000);
    expect(endedAfter).toBeLessThan(AGENT_HOLD_PAUSE_SECONDS * 1000 + 10_000);
    const agentLog = h.emu.log().filter((e) => e.callSid === call.agent);
    expect(
      agentLog.filter((e) => e.type === 'webhook' && e.summary.includes('/agent-hold-loop') && e.summary.endsWith('-> 200')),
    ).toHaveLength(2);
    expect(agentLog.filter((e) => e.type === 'error')).toEqual([]);
  }, 60_000);

  it('the cost: an agent hanging up during the outage leaves the caller on hold music (never dropped) until it hangs up', async () => {
    const call = await connected(h);
    expect((await h.control('hold', { CallSid: call.caller })).status).toBe(200);
    await outage(h, OUTAGE_MS, () => h.partyHangsUp(call.agent));
    await h.advance(600_000);
    expect(h.hears(call.caller)).toEqual(holdMusic(h));
    expect(h.droppedCalls([call.caller])).toEqual([]);
    expect((await h.control('unhold', { CallSid: call.caller })).status).toBe(404);
    await h.partyHangsUp(call.caller);
  }, 60_000);
});

describe('conference mode', () => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode: 'conference' });
  });
  afterAll(async () => {
    await h?.close();
  });

  it('a held call survives a 40 s outage untouched, and /unhold works once the functions are back', async () => {
    const call = await connected(h);
    expect((await h.control('hold', { CallSid: call.caller })).status).toBe(200);
    await outage(h, OUTAGE_MS);
    expect(h.hears(call.caller)).toEqual(holdMusic(h));
    expect(h.droppedConferenceCalls([call.caller, call.agent])).toEqual([]);
    expect((await h.control('unhold', { CallSid: call.caller })).status).toBe(200);
    expect(h.hears(call.caller)).toEqual({ kind: 'party', callSids: [call.agent] });
    await h.partyHangsUp(call.agent);
    expect(h.hears(call.caller)).toBe('ended');
  }, 60_000);

  it('a hang-up during the outage still releases the other party at once (endConferenceOnExit)', async () => {
    const call = await connected(h);
    expect((await h.control('hold', { CallSid: call.caller })).status).toBe(200);
    await outage(h, OUTAGE_MS, async () => {
      await h.partyHangsUp(call.agent);
      expect(h.hears(call.caller)).toBe('ended');
    });
  }, 60_000);
});

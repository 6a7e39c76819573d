// The hold limit end to end (docs/hold-experience.md), both modes, on the virtual clock with the BUILT functions:
// HOLD_MAX_SECONDS=600, HOLD_WARNING_SECONDS at its default (60), the bundled 30 s music (the
// emulator plays every audio file for 30 s). docs/hold-experience.md states the seconds asserted
// here. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

const WARNING = 'Your caller has been on hold for about 9 minutes.';

describe.each(['conference', 'dial'] as const)('the hold limit in %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode, env: { HOLD_MAX_SECONDS: '600' } });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    for (const call of h.emu.calls()) {
      if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
    }
    await h.emu.settle();
  });

  async function heldCall(): Promise<{ caller: string; agent: string; advanceTo: (ms: number) => Promise<void> }> {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = h.agentOf(caller)!;
    expect(h.hears(caller)).toMatchObject({ kind: 'party' });
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    let heldMs = 0;
    const advanceTo = async (ms: number) => {
      while (heldMs < ms) {
        const step = Math.min(30_000, ms - heldMs);
        await h.advance(step);
        heldMs += step;
      }
    };
    return { caller, agent, advanceTo };
  }

  // Conference mode: the limit's timer is the agent's holdUrl (/agent-hold-timer), which asks our
  // functions at the warning; the caller's holdUrl is the music alone, which never asks again.
  const timerRequests = (from: number, heldFor: number) =>
    h.emu
      .log()
      .slice(from)
      .filter((e) => e.type === 'webhook' && new RegExp(`/agent-hold-timer\\?CallerCallSid=CA\\w+&HeldFor=${heldFor} `).test(e.summary));
  const limitedCallerRequests = (from: number) =>
    h.emu
      .log()
      .slice(from)
      .filter((e) => e.type === 'webhook' && /\/hold-music\?.*CallerCallSid/.test(e.summary));

  it("warns the agent at 540 s and resumes the caller at 600 s, recorded as the limit's", async () => {
    const logFrom = h.emu.log().length;
    const { caller, agent, advanceTo } = await heldCall();
    await advanceTo(539_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    // Both modes: the agent waits in silence (dial: its queue; conference: held on the limit's timer).
    expect(h.hears(agent)).toEqual({ kind: 'silence' });
    if (mode === 'conference') expect(timerRequests(logFrom, 540)).toHaveLength(0);
    await advanceTo(541_000);
    // Conference mode: the agent's timer document says it; dial mode: the agent's keep-alive loop.
    expect(h.hears(agent)).toEqual({ kind: 'speech', text: WARNING });
    if (mode === 'conference') expect(timerRequests(logFrom, 540)).toHaveLength(1);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    await advanceTo(599_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    await advanceTo(601_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
    expect(h.droppedCalls([caller, agent])).toEqual([]);
    // The held caller's document never asked our functions for a step of the limit.
    if (mode === 'conference') expect(limitedCallerRequests(logFrom)).toEqual([]);

    const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    const listed = ((await response.json()) as { calls: Record<string, unknown>[] }).calls.find((c) => c.callSid === caller)!;
    expect(listed).toMatchObject({ state: 'talking', holds: 1, holdStartedAt: null });
    expect((listed.events as Record<string, unknown>[]).at(-1)).toMatchObject({
      type: 'resume',
      party: 'caller',
      by: 'limit',
      heldFor: 600,
    });

    // A second hold has its own limit, counted from its start.
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    await h.advance(599_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    await h.advance(2_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
  });

  it('a resume at the limit that Twilio refuses is reported once (limit-unenforced, and a log line) and tried again', async () => {
    const { caller, agent, advanceTo } = await heldCall();
    // Dial mode resumes with an update of the caller's call, conference mode of its participant.
    const path = mode === 'dial' ? `/Calls/${caller}.json` : `/Participants/${caller}.json`;
    h.emu.faults.add({ target: 'rest', method: 'POST', path, status: 500, count: 2 });
    await advanceTo(601_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    // Dial mode: the agent's loop asks again 5 s later (fails), then 5 s after that; conference
    // mode: the agent is held again on the timer, which asks again 5 s later.
    await advanceTo(612_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    const listed = ((await response.json()) as { calls: Record<string, unknown>[] }).calls.find((c) => c.callSid === caller)!;
    const events = listed.events as Record<string, unknown>[];
    expect(events.filter((e) => e.type === 'limit-unenforced')).toEqual([
      expect.objectContaining({ type: 'limit-unenforced', party: 'caller', by: 'limit', heldFor: 600 }),
    ]);
  });

  it('an outage at the limit never silences the caller; conference mode: the next GET /calls reports the lost timer and resumes', async () => {
    const { caller, agent, advanceTo } = await heldCall();
    await advanceTo(595_000);
    // The functions are down from 595 s to 625 s: every webhook to them fails.
    const escaped = h.functions.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    h.emu.faults.add({ target: 'webhook', url: new RegExp(`^${escaped}/`), status: 500 });
    for (const at of [601_000, 610_000, 625_000]) {
      await advanceTo(at);
      // Dial mode: the agent's loop asks again after the outage and resumes then.
      if (mode === 'conference' || at < 625_000) expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    }
    h.emu.faults.clear();
    await advanceTo(640_000);
    if (mode === 'conference') {
      // The timer's request at the limit failed: the caller keeps its music until the next chance.
      expect(h.hears(caller)).toMatchObject({ kind: 'music' });
      expect(h.hears(agent)).toEqual({ kind: 'silence' });
    }
    const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    expect(response.status).toBe(200);
    await h.advance(1_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
    const again = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    const listed = ((await again.json()) as { calls: Record<string, unknown>[] }).calls.find((c) => c.callSid === caller)!;
    const events = listed.events as Record<string, unknown>[];
    expect(listed).toMatchObject({ state: 'talking', holdStartedAt: null });
    expect(events.filter((e) => e.type === 'resume' && e.by === 'limit')).toHaveLength(1);
    if (mode === 'conference') expect(events.filter((e) => e.type === 'limit-unenforced')).toHaveLength(1);
  });

  it('conference mode: a timer lost to an outage, and no GET /calls: the end of the hold reports it (limit-unenforced)', async () => {
    if (mode !== 'conference') return;
    const { caller, agent, advanceTo } = await heldCall();
    await advanceTo(595_000);
    const escaped = h.functions.url.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
    h.emu.faults.add({ target: 'webhook', url: new RegExp(`^${escaped}/`), status: 500 });
    await advanceTo(625_000);
    h.emu.faults.clear();
    await advanceTo(700_000);
    // The timer is lost and nothing listed the calls: the caller is still held, with its music.
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    await h.advance(1_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    // The caller's resume (the conference's status callback) found the hold 100 s past the limit.
    const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    const listed = ((await response.json()) as { calls: Record<string, unknown>[] }).calls.find((c) => c.callSid === caller)!;
    const events = listed.events as Record<string, unknown>[];
    expect(events.map((e) => `${e.type}:${e.party ?? ''}`).filter((e) => !e.startsWith('call-connected'))).toEqual([
      'hold:caller',
      'limit-unenforced:caller',
      'resume:caller',
    ]);
    expect(events.find((e) => e.type === 'limit-unenforced')).toMatchObject({ by: 'limit' });
    expect(h.functions.output()).toContain(`hold limit of ${caller} not enforced: found at the end of the hold`);
  });

  it('a /hold of the held call does not restart the limit (dial mode: it moves the agent into its queue again)', async () => {
    const { caller, agent, advanceTo } = await heldCall();
    await advanceTo(100_000);
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    await advanceTo(599_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    await advanceTo(601_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
  });

  it('a resume before the limit ends it: the next hold starts again from 0', async () => {
    const { caller, agent, advanceTo } = await heldCall();
    await advanceTo(500_000);
    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    await h.advance(590_000);
    expect(h.hears(caller)).toMatchObject({ kind: 'music' });
    await h.advance(11_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
  });

  it('conference mode: a timer that finds its caller resumed (a /unhold raced the hold) resumes the agent at once', async () => {
    if (mode !== 'conference') return;
    const { caller, agent } = await heldCall();
    const conferenceSid = h.conferenceOf(caller)!.sid;
    // The race's outcome, made directly: the caller resumed while its agent is still held on the timer.
    const participant = (sid: string, body: Record<string, string>) =>
      fetch(`${h.emu.url}/2010-04-01/Accounts/${h.emu.accountSid}/Conferences/${conferenceSid}/Participants/${sid}.json`, {
        method: 'POST',
        headers: {
          Authorization: `Basic ${Buffer.from(`${h.emu.accountSid}:${h.emu.authToken}`).toString('base64')}`,
          'Content-Type': 'application/x-www-form-urlencoded',
        },
        body: new URLSearchParams(body).toString(),
      });
    expect((await participant(agent, { Hold: 'false' })).status).toBe(200);
    expect((await participant(caller, { Hold: 'false' })).status).toBe(200);
    const timerUrl = `${h.functions.url}/agent-hold-timer?CallerCallSid=${caller}&HeldFor=0`;
    expect((await participant(agent, { Hold: 'true', HoldUrl: timerUrl, HoldMethod: 'POST' })).status).toBe(200);
    await h.advance(1_000);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
  });

  it('the agent gone while the caller is held: the caller is told and released, not held to the limit', async () => {
    const { caller, agent, advanceTo } = await heldCall();
    await advanceTo(100_000);
    await h.partyHangsUp(agent);
    await h.advance(10_000);
    // Conference mode: the agent's leaving ends the conference for both (endConferenceOnExit);
    // dial mode: /agent-leg-status tells the caller that the agent left and ends its leg.
    expect(h.hears(caller)).toBe('ended');
    expect(mode === 'dial' ? h.droppedCalls([caller]) : h.droppedConferenceCalls([caller])).toEqual([]);
  });
});

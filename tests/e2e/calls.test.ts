// GET /calls end to end, in both modes: the emulator (virtual clock), the BUILT functions under the
// real twilio-run, and the call records they keep in the emulator's Twilio Sync from the callbacks
// Twilio makes. Every step reads the list back over HTTP, as the hold console and agent software do.
// Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, CALLER_NUMBER, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

interface ListedCall {
  callSid: string;
  mode: string;
  from: string;
  agent: string;
  state: string;
  conferenceSid: string | null;
  agentCallSid: string | null;
  holds: number;
  totalHoldSeconds: number;
  longestHoldSeconds: number;
  holdStartedAt: string | null;
  startedAt: string;
  agentHoldStartedAt: string | null;
  events: Record<string, unknown>[];
}

async function getCalls(h: E2eHarness, init: RequestInit = {}): Promise<{ status: number; body: Record<string, unknown> }> {
  const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` }, ...init });
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
}

async function listed(h: E2eHarness): Promise<ListedCall[]> {
  const { status, body } = await getCalls(h);
  expect(status).toBe(200);
  expect(body.emulator).toBe(true);
  return body.calls as ListedCall[];
}

async function callOf(h: E2eHarness, callSid: string): Promise<ListedCall | undefined> {
  return (await listed(h)).find((call) => call.callSid === callSid);
}

/** Sync (`sync`) and Voice API (`rest`) requests the emulator answered while `run` ran. */
async function requestsDuring(h: E2eHarness, run: () => Promise<unknown>): Promise<{ sync: string[]; rest: string[] }> {
  const from = h.emu.log().length;
  await run();
  const entries = h.emu.log().slice(from);
  return {
    sync: entries.filter((e) => e.type === 'sync').map((e) => e.summary),
    rest: entries.filter((e) => e.type === 'rest').map((e) => e.summary),
  };
}

describe.each(['conference', 'dial'] as const)('GET /calls in %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    h.emu.faults.clear();
    for (const call of h.emu.calls()) {
      if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
    }
    await h.emu.settle();
  });

  /** The agent's leg as Twilio knows it, to compare with what the list says. */
  function agentLeg(caller: string): string {
    const agent = h.agentOf(caller);
    if (!agent) throw new Error('no agent leg');
    return agent;
  }

  it('follows a call: ringing, talking, held (twice, with times), resumed, gone when the caller hangs up', async () => {
    const caller = await h.placeCall();
    const ringing = await callOf(h, caller);
    expect(ringing).toEqual({
      callSid: caller,
      mode,
      from: CALLER_NUMBER,
      agent: AGENT_NUMBER,
      state: 'ringing-agent',
      conferenceSid: null,
      agentCallSid: null,
      holds: 0,
      totalHoldSeconds: 0,
      longestHoldSeconds: 0,
      holdStartedAt: null,
      startedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      // The hold events on the same record (docs/hold-experience.md).
      agentHoldStartedAt: null,
      events: [],
      updatedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/),
      incomplete: false,
      // The line (docs/line.md): not waiting.
      linePosition: null,
      waitingSince: null,
      hears: { caller: mode === 'conference' ? 'music' : 'ringing', agent: null },
    });

    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = agentLeg(caller);
    expect(await callOf(h, caller)).toMatchObject({
      state: 'talking',
      agentCallSid: agent,
      conferenceSid: mode === 'conference' ? h.conferenceOf(caller)?.sid : null,
    });

    // The SIDs from the list give the one-request path of /hold.
    const listedCall = (await callOf(h, caller))!;
    const sids: Record<string, string> =
      mode === 'conference' ? { ConferenceSid: listedCall.conferenceSid! } : { AgentCallSid: listedCall.agentCallSid! };
    expect((await h.control('hold', { CallSid: caller, ...sids })).status).toBe(200);
    const held = await callOf(h, caller);
    expect(held).toMatchObject({ state: 'on-hold', holds: 1, holdStartedAt: expect.any(String) });

    await h.advance(40_000);
    expect((await h.control('unhold', { CallSid: caller, ...sids })).status).toBe(200);
    expect(await callOf(h, caller)).toMatchObject({
      state: 'talking',
      holds: 1,
      totalHoldSeconds: 40,
      longestHoldSeconds: 40,
      holdStartedAt: null,
    });

    // Holding a held call is a no-op for the count too.
    await h.control('hold', { CallSid: caller, ...sids });
    await h.control('hold', { CallSid: caller, ...sids });
    await h.advance(15_000);
    await h.control('unhold', { CallSid: caller, ...sids });
    expect(await callOf(h, caller)).toMatchObject({ state: 'talking', holds: 2, totalHoldSeconds: 55, longestHoldSeconds: 40 });

    await h.partyHangsUp(caller);
    expect(await callOf(h, caller)).toBeUndefined();
  });

  it('the agent hangs up while the caller is held: agent-gone with the hold counted, then gone', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = agentLeg(caller);
    await h.control('hold', { CallSid: caller });
    await h.advance(10_000);
    await h.partyHangsUp(agent);
    const after = await callOf(h, caller);
    if (mode === 'dial') {
      // The caller is told the agent left; its record shows that while the caller's call lives.
      expect(after).toMatchObject({ state: 'agent-gone', holds: 1, totalHoldSeconds: 10, holdStartedAt: null });
      await h.advance(31_000);
    }
    // Conference mode: the conference ends with the agent (endConferenceOnExit) and the caller leaves at once.
    expect(await callOf(h, caller)).toBeUndefined();
  });

  it('the agent never answers: the caller is told, and the call leaves the list', async () => {
    h.emu.setParty(AGENT_NUMBER, { behavior: 'busy', afterMs: 1000 });
    try {
      const caller = await h.placeCall();
      await h.advance(20_000);
      expect(h.hears(caller)).toBe('ended');
      const after = await callOf(h, caller);
      if (after) expect(after.state).toBe('agent-gone');
      await h.advance(31_000);
      expect(await callOf(h, caller)).toBeUndefined();
    } finally {
      h.emu.setParty(AGENT_NUMBER, { behavior: 'answer', afterMs: AGENT_ANSWERS_AFTER_MS });
    }
  });

  it('hold and unhold with the SIDs stay ONE Voice API request and make no Sync request of their own', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const call = (await callOf(h, caller))!;
    const body: Record<string, string> =
      mode === 'conference'
        ? { CallSid: caller, ConferenceSid: call.conferenceSid! }
        : { CallSid: caller, AgentCallSid: call.agentCallSid! };
    // Dial mode: AgentCallSid from the list is checked by one lookup; the answer's agentHandle makes
    // the next request one update (docs/reliability.md). So the first hold is 2 there, then 1 each.
    // Conference mode: each update makes Twilio send /conference-status at once, whose bookkeeping
    // reads the record; held back to the next tick of the virtual clock (which this loop never
    // advances), so that what is counted is the API's own and not a race with that callback.
    if (mode === 'conference') h.emu.faults.add({ target: 'webhook', url: '/conference-status', latencyMs: 1 });
    for (const [i, action] of (['hold', 'unhold', 'hold', 'unhold'] as const).entries()) {
      const from = h.emu.log().length;
      const response = await fetch(`${h.functions.url}/${action}`, {
        method: 'POST',
        headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` },
        body: new URLSearchParams(body),
      });
      expect(response.status).toBe(200);
      const answer = (await response.json()) as { agentHandle?: string };
      if (answer.agentHandle) body.AgentHandle = answer.agentHandle;
      // Read before the emulator runs what follows (callbacks, actions): only the API's own requests.
      // Dial mode: a hold's update makes Twilio request the agent queue's waitUrl at once, and that
      // webhook's reads (the queues, the caller's leg) and its Sync record may already be in the log.
      const during = h.emu.log().slice(from);
      const own = during.filter((e) => e.type === 'rest' && !(mode === 'dial' && /GET \S+\/(Queues|Calls\/CA\w+)\.json/.test(e.summary)));
      expect(own).toHaveLength(mode === 'dial' && i === 0 ? 2 : 1);
      if (mode === 'conference') expect(during.filter((e) => e.type === 'sync')).toEqual([]);
      await h.emu.settle();
    }
    // The held-back callbacks run now, inside this test, not in the next one's count.
    await h.advance(1000);
  });

  it('the bookkeeping costs: Sync requests per step of a call (docs/console.md)', async () => {
    // The map exists once any call was recorded: the very first call of a service costs 2 more.
    const warmUp = await h.placeCall();
    await h.partyHangsUp(warmUp);
    const syncDuring = async (run: () => Promise<unknown>): Promise<string[]> => {
      const from = h.emu.log().length;
      await run();
      await h.emu.settle();
      return h.emu
        .log()
        .slice(from)
        .filter((e) => e.type === 'sync')
        .map((e) => e.summary.replace(/^(\w+) \/v1\/Services\/default\/Maps\/hold-calls\/Items(\/CA\w+)?/, '$1 item'));
    };
    let caller = '';
    expect(await syncDuring(async () => (caller = await h.placeCall()))).toEqual(['POST item -> 201']);
    expect(await syncDuring(() => h.advance(AGENT_ANSWERS_AFTER_MS))).toEqual(['GET item -> 200', 'POST item -> 200']);
    expect(await syncDuring(() => h.control('hold', { CallSid: caller }))).toEqual(['GET item -> 200', 'POST item -> 200']);
    expect(await syncDuring(() => h.control('unhold', { CallSid: caller }))).toEqual(['GET item -> 200', 'POST item -> 200']);
    const end = await syncDuring(() => h.partyHangsUp(caller));
    // The end is written once (the record is kept for its events, marked ended). Conference mode:
    // the caller's leave, the agent's leave and the conference's end run at once; each reads, one
    // end is written, a write that lost the race (412) reads again and finds the call ended. Dial
    // mode (bridged after a resume): the agent queue's waitUrl sees the caller gone.
    expect(end.filter((e) => e === 'POST item -> 200')).toHaveLength(1);
    expect(end.every((e) => ['GET item -> 200', 'POST item -> 200', 'POST item -> 412 (20412)'].includes(e))).toBe(true);
    if (mode === 'dial') expect(end).toEqual(['GET item -> 200', 'POST item -> 200']);
    else expect(end.filter((e) => e.startsWith('GET')).length).toBe(3 + end.filter((e) => e.includes('412')).length);
  });

  it("refuses without the token or with a wrong one; answers Twilio's state, flagged, when Sync fails; 502 in words when nothing can be read", async () => {
    const none = await fetch(`${h.functions.url}/calls`);
    expect(none.status).toBe(401);
    expect(none.headers.get('www-authenticate')).toContain('Bearer');
    const wrong = await getCalls(h, { headers: { Authorization: 'Bearer not-the-token' } });
    expect(wrong).toEqual({ status: 401, body: { error: 'unauthorized', message: 'wrong token' } });

    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    h.emu.faults.add({ target: 'rest', path: '/Maps/hold-calls/Items', status: 500, count: 1 });
    const failed = await getCalls(h);
    expect(failed.status).toBe(200);
    expect(failed.body).toMatchObject({ recordsAvailable: false, liveStateAvailable: true });
    expect((failed.body.calls as ListedCall[]).find((c) => c.callSid === caller)).toMatchObject({
      state: 'on-hold',
      incomplete: true,
      agentCallSid: agentLeg(caller),
    });

    h.emu.faults.add({ target: 'rest', path: '/Maps/hold-calls/Items', status: 500, count: 1 });
    h.emu.faults.add({ target: 'rest', status: 500, count: 20 });
    const nothing = await getCalls(h);
    h.emu.faults.clear();
    expect(nothing.status).toBe(502);
    expect(nothing.body).toMatchObject({ error: 'upstream' });
    expect(JSON.stringify(nothing.body)).not.toMatch(/at .*\.js:\d+/);
  });

  it('records heal: after a Sync outage the list has every live call with its true held state, and no ended one', async () => {
    const outage = () => h.emu.faults.add({ target: 'rest', path: '/Maps/hold-calls', status: 500 });
    // A call that arrives, is answered and held during the outage has no record at all.
    outage();
    const lost = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    expect((await h.control('hold', { CallSid: lost })).status).toBe(200);
    h.emu.faults.clear();
    // A call whose hold was booked, then resumed during an outage: its record says on-hold.
    const stale = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    expect((await h.control('hold', { CallSid: stale })).status).toBe(200);
    outage();
    expect((await h.control('unhold', { CallSid: stale })).status).toBe(200);
    // A call that ends during the outage: its end is never written.
    h.emu.faults.clear();
    const ended = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    outage();
    await h.partyHangsUp(ended);
    h.emu.faults.clear();

    const { status, body } = await getCalls(h);
    expect(status).toBe(200);
    expect(body).toMatchObject({ recordsAvailable: true, liveStateAvailable: true });
    const calls = body.calls as ListedCall[];
    expect(calls.find((c) => c.callSid === lost)).toMatchObject({
      state: 'on-hold',
      incomplete: true,
      agentCallSid: agentLeg(lost),
      from: CALLER_NUMBER,
      agent: AGENT_NUMBER,
    });
    expect(calls.find((c) => c.callSid === stale)).toMatchObject({ state: 'talking', holdStartedAt: null, incomplete: true });
    expect(calls.find((c) => c.callSid === ended)).toBeUndefined();
    // The call's next step heals the record itself: the lost call's record is made again.
    expect((await h.control('unhold', { CallSid: lost })).status).toBe(200);
    expect(await callOf(h, lost)).toMatchObject({ state: 'talking', incomplete: true });
  });

  it('costs ceil(N / 100) Sync requests and the Voice API reads of docs/console.md, with 1, 10 and 120 live calls', async () => {
    const callers: string[] = [];
    const cost: Record<number, { sync: string[]; rest: string[] }> = {};
    for (const n of [1, 10, 120]) {
      while (callers.length < n) callers.push(await h.emu.placeCall({ from: CALLER_NUMBER, to: '+15550100000' }));
      await h.emu.settle();
      await h.advance(AGENT_ANSWERS_AFTER_MS);
      let count = 0;
      cost[n] = await requestsDuring(h, async () => {
        count = (await listed(h)).length;
      });
      expect(count).toBe(n);
    }
    expect(cost[1].sync).toHaveLength(1);
    expect(cost[10].sync).toHaveLength(1);
    expect(cost[120].sync).toHaveLength(2);
    const reads = (n: number) =>
      cost[n].rest.map((s) =>
        s
          .replace(/^GET \/2010-04-01\/Accounts\/AC\w+\//, '')
          .replace(/CF\w+/, 'CF')
          .replace(/ -> 200$/, ''),
      );
    for (const n of [1, 10, 120]) {
      expect(cost[n].sync.every((s) => /^GET \/v1\/Services\/default\/Maps\/hold-calls\/Items -> 200$/.test(s))).toBe(true);
      // Dial mode: one list of the live calls and one of the queues, whatever N. Conference mode:
      // the two lists of conferences, then the participants of each of up to 100 live ones.
      if (mode === 'dial') expect(reads(n).sort()).toEqual(['Calls.json', 'Queues.json']);
      else
        expect(reads(n).sort()).toEqual([
          'Conferences.json',
          'Conferences.json',
          ...Array(Math.min(n, 100)).fill('Conferences/CF/Participants.json'),
        ]);
    }
  }, 120_000);
});

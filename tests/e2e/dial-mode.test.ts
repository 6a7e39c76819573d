// Dial mode end to end: the emulator plays Twilio, the BUILT functions run under the real
// twilio-run, and everything between them is real HTTP (webhooks signed, REST with Basic auth).
// Every flow asserts who hears what at each step, and that no call ended by our own doing.
// Needs `npm run build` first.
import { AGENT_LEFT, CALLER_LEFT, CALLER_ON_HOLD } from '../../lib/dial/twiml';
import { AGENT_UNAVAILABLE } from '../../lib/shared/caller-prompts';
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, startE2e, type E2eHarness } from '../../harness/e2e';

let h: E2eHarness;

beforeAll(async () => {
  h = await startE2e({ mode: 'dial' });
});

afterAll(async () => {
  await h.close();
});

afterEach(() => {
  h.emu.setParty(AGENT_NUMBER, { behavior: 'answer', afterMs: AGENT_ANSWERS_AFTER_MS });
});

interface Call {
  caller: string;
  agent: string;
}

/** A caller, bridged with the agent who answered. */
async function connectedCall(): Promise<Call> {
  const caller = await h.placeCall();
  expect(h.hears(caller)).toEqual({ kind: 'ringing' });
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  const agent = h.agentLegOf(caller);
  if (!agent) throw new Error('the agent was not dialled');
  expectBridged({ caller, agent });
  return { caller, agent };
}

function expectBridged({ caller, agent }: Call): void {
  expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
  expect(h.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
}

function holdMusic(): { kind: 'music'; url: string } {
  return { kind: 'music', url: `${h.functions.url}/hold-music.mp3` };
}

/** Held: the caller hears the hold music; the agent hears "your caller is on hold", then silence. */
async function expectHeld({ caller, agent }: Call): Promise<void> {
  expect(h.hears(caller)).toEqual(holdMusic());
  expect(h.hears(agent)).toEqual({ kind: 'speech', text: CALLER_ON_HOLD });
  await h.advance(5_000);
  expect(h.hears(caller)).toEqual(holdMusic());
  expect(h.hears(agent)).toEqual({ kind: 'silence' });
}

function holdQueuesOf(caller: string): unknown[] {
  return h.emu.queues().filter((queue) => queue.friendlyName.startsWith(caller));
}

/** REST requests the emulator saw after index `from`, as "METHOD /path-after-Accounts/AC...". */
function restSince(from: number): string[] {
  return h
    .restLog()
    .slice(from)
    .map((entry) => entry.summary.replace(/^(\w+) \/2010-04-01\/Accounts\/AC[0-9a-f]+(\S*) .*$/, '$1 $2'));
}

function expectNothingDropped(call: Call): void {
  expect(h.droppedCalls([call.caller, call.agent])).toEqual([]);
}

/** A 200 answer of dial mode: the agent leg is named, and the handle comes once a hold happened. */
function expectAnswer(
  reply: { status: number; body: Record<string, unknown> },
  call: Call,
  held: boolean,
  withHandle = true,
): string | undefined {
  expect(reply.status).toBe(200);
  expect(reply.body).toEqual({
    callSid: call.caller,
    mode: 'dial',
    held,
    // docs/hold-api.md, "Ordering answers".
    appliedAfter: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\.\d{3}Z$/),
    appliedAt: expect.stringMatching(/^\d{4}-\d\d-\d\dT.*\.\d{3}Z$/),
    agentCallSid: call.agent,
    ...(withHandle ? { agentHandle: expect.stringMatching(/^h1\.CA[0-9a-f]{32}\.[A-Za-z0-9_-]{43}$/) } : {}),
  });
  return reply.body.agentHandle as string | undefined;
}

function holdQueues(caller: string): string[] {
  return h.emu
    .queues()
    .filter((queue) => queue.friendlyName.startsWith(caller))
    .map((queue) => queue.friendlyName)
    .sort();
}

describe('hold and resume, again and again', () => {
  it('holds, resumes, holds again and resumes again (lookup by ParentCallSid): hold moves the agent, resume the caller', async () => {
    const call = await connectedCall();

    for (let round = 1; round <= 3; round += 1) {
      expectAnswer(await h.control('hold', { CallSid: call.caller }), call, true);
      await expectHeld(call);
      expect(holdQueues(call.caller)).toEqual([call.caller, `${call.caller}-agent`]);
      await h.advance(60_000);
      // Nothing asks our functions while held: a minute later the agent is still there, in silence.
      expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
      expect(h.hears(call.caller)).toEqual(holdMusic());

      expectAnswer(await h.control('unhold', { CallSid: call.caller }), call, false);
      expectBridged(call);
      await h.advance(30_000);
      expectBridged(call);
    }
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
    await h.advance(10_000);
    expect(holdQueues(call.caller)).toEqual([]);
  });

  it('with the AgentHandle an answer gave, hold and resume are ONE REST request each, and work every time', async () => {
    const call = await connectedCall();
    let handle = expectAnswer(await h.control('hold', { CallSid: call.caller }), call, true)!;
    expectAnswer(await h.control('unhold', { CallSid: call.caller, AgentHandle: handle }), call, false);
    expectBridged(call);
    for (let round = 1; round <= 2; round += 1) {
      let before = h.restLog().length;
      handle = expectAnswer(await h.control('hold', { CallSid: call.caller, AgentHandle: handle }), call, true)!;
      // What the API did; the webhook that follows (the agent queue's waitUrl) reads the queues.
      const holdRequests = restSince(before).filter((r) => r !== 'GET /Queues.json');
      expect(holdRequests).toEqual([`POST /Calls/${call.agent}.json`]);
      await expectHeld(call);

      before = h.restLog().length;
      expectAnswer(await h.control('unhold', { CallSid: call.caller, AgentHandle: handle }), call, false);
      expect(restSince(before)).toEqual([`POST /Calls/${call.caller}.json`]);
      expectBridged(call);
    }
    expectNothingDropped(call);
    await h.partyHangsUp(call.agent);
  });

  it('a hold or resume needs no webhook to take effect: every webhook to the functions failing, both still work', async () => {
    const call = await connectedCall();
    h.emu.faults.add({ target: 'webhook', url: h.functions.url, status: 500 });
    try {
      for (let round = 1; round <= 2; round += 1) {
        expectAnswer(await h.control('hold', { CallSid: call.caller }), call, true);
        expect(h.hears(call.caller)).toEqual(holdMusic());
        // The agent's waitUrl failed: no announcement, silence; still on the line.
        expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
        await h.advance(120_000);
        expect(h.hears(call.caller)).toEqual(holdMusic());
        expectAnswer(await h.control('unhold', { CallSid: call.caller }), call, false);
        expectBridged(call);
      }
    } finally {
      h.emu.faults.clear();
    }
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
  });
});

describe('idempotency', () => {
  it('holding a held call is a 200 that keeps the caller on hold and the agent on the line', async () => {
    const call = await connectedCall();
    const handle = expectAnswer(await h.control('hold', { CallSid: call.caller }), call, true)!;
    await expectHeld(call);
    const bodies: Record<string, string>[] = [
      { CallSid: call.caller },
      { CallSid: call.caller, AgentCallSid: call.agent },
      { CallSid: call.caller, AgentHandle: handle },
    ];
    for (const body of bodies) {
      expectAnswer(await h.control('hold', body), call, true);
      await expectHeld(call);
    }
    expectAnswer(await h.control('unhold', { CallSid: call.caller }), call, false);
    expectBridged(call);
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
  });

  it('resuming a call never held is a true no-op: one lookup, one queue read, nothing moves, no handle', async () => {
    const call = await connectedCall();
    const before = h.restLog().length;
    expectAnswer(await h.control('unhold', { CallSid: call.caller }), call, false, false);
    expect(restSince(before)).toEqual(['GET /Calls.json', 'GET /Queues.json']);
    expectBridged(call);
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
  });

  it('resuming a resumed call: a no-op without the handle, a re-bridge with it; nobody is dropped', async () => {
    const call = await connectedCall();
    const handle = expectAnswer(await h.control('hold', { CallSid: call.caller }), call, true)!;
    expectAnswer(await h.control('unhold', { CallSid: call.caller }), call, false);
    const before = h.restLog().length;
    expectAnswer(await h.control('unhold', { CallSid: call.caller }), call, false);
    expect(restSince(before)).toEqual(['GET /Calls.json', 'GET /Queues.json']);
    expectBridged(call);
    for (let i = 0; i < 20; i += 1) {
      // More re-bridges than the agent's hold TwiML has rejoins (17 here): /agent-rejoin-hold gives it more.
      expectAnswer(await h.control('unhold', { CallSid: call.caller, AgentHandle: handle }), call, false);
      expectBridged(call);
    }
    expect(h.emu.log().some((e) => e.type === 'webhook' && e.summary.includes('/agent-rejoin-hold'))).toBe(true);
    await h.advance(30_000);
    expectBridged(call);
    expectAnswer(await h.control('hold', { CallSid: call.caller, AgentHandle: handle }), call, true);
    await expectHeld(call);
    expectNothingDropped(call);
    await h.partyHangsUp(call.agent);
  });
});

describe('every end is clean', () => {
  it('the caller hangs up while bridged (never held): the agent leg ends with it', async () => {
    const call = await connectedCall();
    await h.partyHangsUp(call.caller);
    expect(h.hears(call.agent)).toBe('ended');
    expectNothingDropped(call);
  });

  it('the agent hangs up while bridged (never held): the caller is told, then the call ends', async () => {
    const call = await connectedCall();
    await h.partyHangsUp(call.agent);
    expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.caller)).toBe('ended');
    expectNothingDropped(call);
  });

  it.each([1, 2])('the caller hangs up while held (hold #%i): the agent is told and released, the queue deleted', async (holds) => {
    const call = await connectedCall();
    for (let i = 1; i < holds; i += 1) {
      await h.control('hold', { CallSid: call.caller });
      await h.control('unhold', { CallSid: call.caller });
    }
    await h.control('hold', { CallSid: call.caller });
    await expectHeld(call);
    await h.partyHangsUp(call.caller);
    expect(h.hears(call.agent)).toEqual({ kind: 'speech', text: CALLER_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.agent)).toBe('ended');
    expect(holdQueuesOf(call.caller)).toEqual([]);
    expectNothingDropped(call);
  });

  it.each([1, 2])('the agent hangs up while the caller is held (hold #%i): the caller is told, the queue deleted', async (holds) => {
    const call = await connectedCall();
    for (let i = 1; i < holds; i += 1) {
      await h.control('hold', { CallSid: call.caller });
      await h.control('unhold', { CallSid: call.caller });
    }
    await h.control('hold', { CallSid: call.caller });
    await expectHeld(call);
    await h.partyHangsUp(call.agent);
    expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.caller)).toBe('ended');
    expect(holdQueuesOf(call.caller)).toEqual([]);
    expectNothingDropped(call);
  });

  it('the agent hangs up while still announcing the hold: the caller is told', async () => {
    const call = await connectedCall();
    await h.control('hold', { CallSid: call.caller });
    expect(h.hears(call.agent)).toEqual({ kind: 'speech', text: CALLER_ON_HOLD });
    await h.partyHangsUp(call.agent);
    expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.caller)).toBe('ended');
    expectNothingDropped(call);
  });

  it('after a resume, the caller hanging up ends the agent leg (told first)', async () => {
    const call = await connectedCall();
    await h.control('hold', { CallSid: call.caller });
    await h.control('unhold', { CallSid: call.caller });
    await h.partyHangsUp(call.caller);
    expect(h.hears(call.agent)).toEqual({ kind: 'speech', text: CALLER_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.agent)).toBe('ended');
    expect(holdQueuesOf(call.caller)).toEqual([]);
    expectNothingDropped(call);
  });

  it('after a resume, the agent hanging up ends the caller leg (told first)', async () => {
    const call = await connectedCall();
    await h.control('hold', { CallSid: call.caller });
    await h.control('unhold', { CallSid: call.caller });
    await h.partyHangsUp(call.agent);
    expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.caller)).toBe('ended');
    expect(holdQueuesOf(call.caller)).toEqual([]);
    expectNothingDropped(call);
  });

  it.each(['no-answer', 'busy', 'fail'] as const)(
    'the agent does not answer (%s): the caller hears an apology, then the call ends',
    async (behavior) => {
      h.emu.setParty(AGENT_NUMBER, { behavior, afterMs: 1000 });
      const caller = await h.placeCall();
      expect(h.hears(caller)).toEqual({ kind: 'ringing' });
      // A no-answer lasts the ring timeout, AGENT_RING_TIMEOUT (default 30 s).
      await h.advance(behavior === 'no-answer' ? 30_000 : 1000);
      expect(h.hears(caller)).toEqual({ kind: 'speech', text: AGENT_UNAVAILABLE });
      await h.advance(15_000);
      expect(h.hears(caller)).toBe('ended');
      expect(h.droppedCalls([caller])).toEqual([]);
    },
  );
});

describe('API errors on the emulator', () => {
  it('answers 409 while the agent is still ringing, with or without AgentCallSid, and moves nothing', async () => {
    const caller = await h.placeCall();
    const agent = h.agentLegOf(caller)!;
    expect(await h.control('hold', { CallSid: caller })).toMatchObject({ status: 409, body: { error: 'conflict' } });
    expect(await h.control('hold', { CallSid: caller, AgentCallSid: agent })).toMatchObject({ status: 409 });
    expect(h.hears(caller)).toEqual({ kind: 'ringing' });
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    expectBridged({ caller, agent });
    await h.partyHangsUp(caller);
  });

  it('answers 404 for a call that does not exist or has ended', async () => {
    const unknown = 'CA' + '9'.repeat(32);
    expect(await h.control('hold', { CallSid: unknown })).toMatchObject({ status: 404, body: { error: 'not-found' } });
    const call = await connectedCall();
    await h.partyHangsUp(call.caller);
    expect((await h.control('hold', { CallSid: call.caller })).status).toBe(404);
    expect((await h.control('unhold', { CallSid: call.caller })).status).toBe(404);
    expect((await h.control('hold', { CallSid: call.caller, AgentCallSid: call.agent })).status).toBe(404);
    expect((await h.control('unhold', { CallSid: call.caller, AgentCallSid: call.agent })).status).toBe(404);
  });

  it('answers 401 without the token and 400 when AgentCallSid names the caller itself', async () => {
    const call = await connectedCall();
    expect((await h.control('hold', { CallSid: call.caller }, 'wrong-token')).status).toBe(401);
    expect(await h.control('hold', { CallSid: call.caller, AgentCallSid: call.caller })).toMatchObject({ status: 400 });
    expectBridged(call);
    expect(h.restLog().some((r) => r.summary.includes(`/Calls/${call.caller}.json`) && r.summary.startsWith('POST'))).toBe(false);
    await h.partyHangsUp(call.caller);
  });
});

describe('the parent/child trap', () => {
  it('the caller leg is given new TwiML only by a resume of a held call, never while its first <Dial> runs', async () => {
    const call = await connectedCall();
    const callerRedirects = () => h.redirectsOf(call.caller).length;
    // Before any hold, the caller is the parent of the bridge: a resume reads and moves nothing.
    await h.control('unhold', { CallSid: call.caller });
    await h.control('unhold', { CallSid: call.caller, AgentCallSid: call.agent });
    expect(callerRedirects()).toBe(0);
    const bodies: Record<string, string>[] = [{ CallSid: call.caller }, { CallSid: call.caller, AgentCallSid: call.agent }];
    for (const body of bodies) {
      await h.control('hold', body);
      await h.advance(1_000);
      await h.control('unhold', body);
      await h.advance(1_000);
    }
    expect(callerRedirects()).toBe(2);
    expect(h.redirectsOf(call.agent).length).toBe(2);
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
  });

  it('an AgentCallSid of another call is a 404 that touches neither call; a forged handle is a 400', async () => {
    const a = await connectedCall();
    const b = await connectedCall();
    const before = h.restLog().length;
    for (const action of ['hold', 'unhold'] as const) {
      expect(await h.control(action, { CallSid: a.caller, AgentCallSid: b.agent })).toMatchObject({
        status: 404,
        body: { error: 'not-found' },
      });
      expect(await h.control(action, { CallSid: a.caller, AgentCallSid: b.caller })).toMatchObject({ status: 404 });
    }
    expect(restSince(before).filter((r) => r.startsWith('POST'))).toEqual([]);
    const handleOfB = expectAnswer(await h.control('hold', { CallSid: b.caller }), b, true)!;
    const afterB = h.restLog().length;
    for (const action of ['hold', 'unhold'] as const) {
      expect(await h.control(action, { CallSid: a.caller, AgentHandle: handleOfB })).toMatchObject({
        status: 400,
        body: { error: 'bad-input' },
      });
      expect(await h.control(action, { CallSid: a.caller, AgentHandle: handleOfB.slice(0, -2) + 'AA' })).toMatchObject({ status: 400 });
    }
    expect(restSince(afterB).filter((r) => r.startsWith('POST'))).toEqual([]);
    expectBridged(a);
    await expectHeld(b);
    expectNothingDropped(a);
    expectNothingDropped(b);
    await h.partyHangsUp(a.caller);
    await h.partyHangsUp(b.caller);
  });

  it('the assertions above can fail: redirecting the bridged caller (what hold must never do) drops the agent', async () => {
    const call = await connectedCall();
    // Do what a naive hold would do, straight against the emulator's REST API.
    const response = await fetch(`${h.emu.url}/2010-04-01/Accounts/${h.emu.accountSid}/Calls/${call.caller}.json`, {
      method: 'POST',
      headers: {
        Authorization: `Basic ${Buffer.from(`${h.emu.accountSid}:${h.emu.authToken}`).toString('base64')}`,
        'Content-Type': 'application/x-www-form-urlencoded',
      },
      body: new URLSearchParams({ Twiml: '<Response><Say>naive hold</Say><Pause length="60"/></Response>' }).toString(),
    });
    expect(response.status).toBe(200);
    await h.advance(1_000);
    expect(h.redirectsOf(call.caller)[0].params.Twiml).toContain('naive hold');
    expect(h.droppedCalls([call.caller, call.agent])).toEqual([call.agent]);
    // The agent leg's status callback then tells the caller, who is left alone.
    expect(h.hears(call.caller)).toEqual({ kind: 'speech', text: AGENT_LEFT });
    await h.advance(10_000);
    expect(h.hears(call.caller)).toBe('ended');
  });
});

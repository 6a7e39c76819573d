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
  return h.emu.queues().filter((queue) => queue.friendlyName === caller);
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

describe('hold and resume, again and again', () => {
  it('holds, resumes, holds again and resumes again, moving only the agent leg (lookup by ParentCallSid)', async () => {
    const call = await connectedCall();

    for (let round = 1; round <= 3; round += 1) {
      const hold = await h.control('hold', { CallSid: call.caller });
      expect(hold).toEqual({ status: 200, body: { callSid: call.caller, mode: 'dial', held: true } });
      await expectHeld(call);
      expect(holdQueuesOf(call.caller)).toHaveLength(1);
      await h.advance(60_000);
      // The keep-alive loop never runs out: the agent is still there, in silence, a minute later.
      expect(h.hears(call.agent)).toEqual({ kind: 'silence' });
      expect(h.hears(call.caller)).toEqual(holdMusic());

      const resume = await h.control('unhold', { CallSid: call.caller });
      expect(resume).toEqual({ status: 200, body: { callSid: call.caller, mode: 'dial', held: false } });
      expectBridged(call);
      // The emptied hold queue is deleted as the caller is taken out of it.
      expect(holdQueuesOf(call.caller)).toEqual([]);
      await h.advance(30_000);
      expectBridged(call);
    }
    expectNothingDropped(call);
    expect(h.redirectsOf(call.caller)).toEqual([]);
    await h.partyHangsUp(call.caller);
  });

  it('with AgentCallSid, hold and resume are ONE REST request each, and work every time', async () => {
    const call = await connectedCall();
    for (let round = 1; round <= 2; round += 1) {
      let before = h.restLog().length;
      expect((await h.control('hold', { CallSid: call.caller, AgentCallSid: call.agent })).status).toBe(200);
      // What the API did; the webhooks that follow read a leg (the caller's Dial/Enqueue action
      // reads the agent's leg; the agent's ignored Dial action, from round 2 on, reads the caller's).
      const webhookReads = [`GET /Calls/${call.agent}.json`, `GET /Calls/${call.caller}.json`];
      const holdRequests = restSince(before).filter((r) => !webhookReads.includes(r));
      expect(holdRequests).toEqual([`POST /Calls/${call.agent}.json`]);
      await expectHeld(call);

      before = h.restLog().length;
      expect((await h.control('unhold', { CallSid: call.caller, AgentCallSid: call.agent })).status).toBe(200);
      const resumeRequests = restSince(before).filter((r) => !r.startsWith('DELETE /Queues/'));
      expect(resumeRequests).toEqual([`POST /Calls/${call.agent}.json`]);
      expectBridged(call);
    }
    expectNothingDropped(call);
    expect(h.redirectsOf(call.caller)).toEqual([]);
    await h.partyHangsUp(call.agent);
  });
});

describe('idempotency', () => {
  it('holding a held call is a 200 that keeps the caller on hold and the agent on the line', async () => {
    const call = await connectedCall();
    await h.control('hold', { CallSid: call.caller });
    await expectHeld(call);
    const bodies: Record<string, string>[] = [{ CallSid: call.caller }, { CallSid: call.caller, AgentCallSid: call.agent }];
    for (const body of bodies) {
      expect(await h.control('hold', body)).toMatchObject({ status: 200, body: { held: true } });
      await expectHeld(call);
    }
    expect((await h.control('unhold', { CallSid: call.caller })).status).toBe(200);
    expectBridged(call);
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
  });

  it('resuming a live call without AgentCallSid is a true no-op: two reads, nothing moves', async () => {
    const call = await connectedCall();
    const before = h.restLog().length;
    expect(await h.control('unhold', { CallSid: call.caller })).toEqual({
      status: 200,
      body: { callSid: call.caller, mode: 'dial', held: false },
    });
    expect(restSince(before)).toEqual(['GET /Calls.json', 'GET /Queues.json']);
    expectBridged(call);
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
  });

  it('resuming a live call WITH AgentCallSid re-bridges the parties without dropping either (before and after a hold)', async () => {
    const call = await connectedCall();
    expect((await h.control('unhold', { CallSid: call.caller, AgentCallSid: call.agent })).status).toBe(200);
    expectBridged(call);
    await h.control('hold', { CallSid: call.caller });
    await h.control('unhold', { CallSid: call.caller });
    expect((await h.control('unhold', { CallSid: call.caller, AgentCallSid: call.agent })).status).toBe(200);
    expectBridged(call);
    expect(holdQueuesOf(call.caller)).toEqual([]);
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

  it.each(['no-answer', 'busy', 'fail'] as const)('the agent does not answer (%s): the caller hears an apology, then the call ends', async (behavior) => {
    h.emu.setParty(AGENT_NUMBER, { behavior, afterMs: 1000 });
    const caller = await h.placeCall();
    expect(h.hears(caller)).toEqual({ kind: 'ringing' });
    // A no-answer lasts the ring timeout, AGENT_RING_TIMEOUT (default 30 s).
    await h.advance(behavior === 'no-answer' ? 30_000 : 1000);
    expect(h.hears(caller)).toEqual({ kind: 'speech', text: AGENT_UNAVAILABLE });
    await h.advance(15_000);
    expect(h.hears(caller)).toBe('ended');
    expect(h.droppedCalls([caller])).toEqual([]);
  });
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
  it('hold never redirects the caller leg while it is bridged: no REST request ever gives the caller new TwiML', async () => {
    const call = await connectedCall();
    const callerRedirects = () =>
      h.restLog().filter((r) => r.summary.startsWith(`POST /2010-04-01/Accounts/${h.emu.accountSid}/Calls/${call.caller}.json`));
    const bodies: Record<string, string>[] = [{ CallSid: call.caller }, { CallSid: call.caller, AgentCallSid: call.agent }];
    for (const body of bodies) {
      await h.control('hold', body);
      await h.advance(1_000);
      await h.control('unhold', body);
      await h.advance(1_000);
    }
    expect(callerRedirects()).toEqual([]);
    expect(h.redirectsOf(call.agent).length).toBe(4);
    expectNothingDropped(call);
    await h.partyHangsUp(call.caller);
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
    expect(h.redirectsOf(call.caller)).toHaveLength(1);
    expect(h.droppedCalls([call.caller, call.agent])).toEqual([call.agent]);
    // The caller's Dial action, requested because its parent was redirected, is harmless: the
    // redirected TwiML keeps running.
    expect(h.hears(call.caller)).toEqual({ kind: 'silence' });
    await h.partyHangsUp(call.caller);
  });
});

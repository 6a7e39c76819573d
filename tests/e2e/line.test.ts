// The line of callers waiting for a busy agent (docs/line.md), both modes, end to end: the
// emulator's virtual clock, the BUILT functions under twilio-run over real HTTP, one agent number
// that answers after 2 s. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';
import { LINE_FULL, LINE_WAIT_OVER } from '../../lib/shared/line';

const MAX_WAIT_SECONDS = 300;
const MAX_CALLERS = 2;

type Heard = ReturnType<E2eHarness['hears']>;

/** Who the caller is bridged with, if anyone. */
function talkingTo(h: E2eHarness, caller: string): string | undefined {
  const heard: Heard = h.hears(caller);
  if (heard === 'ended' || heard.kind !== 'party') return undefined;
  return heard.callSids[0];
}

/** A caller in line hears the music or its place in line: never silence, never the agent. */
function inLine(h: E2eHarness, caller: string): boolean {
  const heard: Heard = h.hears(caller);
  if (heard === 'ended') return false;
  return heard.kind === 'music' || (heard.kind === 'speech' && /in line\./.test(heard.text));
}

/** The agent legs that are live now (each a call to the agent's number). */
function liveAgentLegs(h: E2eHarness): string[] {
  return h.emu
    .calls()
    .filter((c) => c.to === '+15550100001' && (c.status === 'in-progress' || c.status === 'ringing' || c.status === 'queued'))
    .map((c) => c.sid);
}

async function calls(h: E2eHarness, n: number): Promise<string[]> {
  const sids: string[] = [];
  for (let i = 0; i < n; i += 1) {
    sids.push(await h.placeCall());
    await h.advance(1000);
  }
  return sids;
}

/** Advances in steps, checking after each that the agent is on at most one call. */
async function advanceChecking(h: E2eHarness, ms: number, waiting: string[] = []): Promise<void> {
  for (let t = 0; t < ms; t += 5000) {
    await h.advance(Math.min(5000, ms - t));
    expect(liveAgentLegs(h).length).toBeLessThanOrEqual(1);
    for (const caller of waiting) if (h.hears(caller) !== 'ended' && !talkingTo(h, caller)) expect(inLine(h, caller)).toBe(true);
  }
}

/** Calls ended by nobody's hang-up (conference mode: a party hanging up ends the conference for both). */
function dropped(h: E2eHarness, mode: 'conference' | 'dial', sids: string[]): string[] {
  return mode === 'conference' ? h.droppedConferenceCalls(sids) : h.droppedCalls(sids);
}

async function endAll(h: E2eHarness): Promise<void> {
  h.emu.faults.clear();
  for (const call of h.emu.calls()) {
    const now = h.emu.call(call.sid);
    if (now && (now.status === 'in-progress' || now.status === 'ringing' || now.status === 'queued')) {
      await h.emu.hangup(call.sid);
      await h.emu.settle();
    }
  }
  await h.advance(10_000);
}

describe.each(['conference', 'dial'] as const)('the line in %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode, env: { LINE_MAX_WAIT_SECONDS: String(MAX_WAIT_SECONDS), LINE_MAX_CALLERS: String(MAX_CALLERS) } });
  });
  afterEach(async () => {
    await endAll(h);
  });
  afterAll(async () => {
    await h.close();
  });

  it('three callers for one agent: one talks, two wait in line hearing their place, then each is connected in arrival order', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent1 = talkingTo(h, first);
    expect(agent1).toBeDefined();
    // Their place in line, in words, at the start of each document; then the music.
    const second = await h.placeCall();
    expect(h.hears(second)).toEqual({ kind: 'speech', text: 'You are next in line.' });
    const third = await h.placeCall();
    expect(h.hears(third)).toEqual({ kind: 'speech', text: 'You are number 2 in line.' });
    await h.advance(3000);
    expect(liveAgentLegs(h)).toEqual([agent1]);
    expect(h.hears(second)).toMatchObject({ kind: 'music' });
    expect(h.hears(third)).toMatchObject({ kind: 'music' });
    await advanceChecking(h, 60_000, [second, third]);
    expect(talkingTo(h, first)).toBe(agent1);

    // The agent hangs up: the second caller (not the third) rings the agent at once, then talks.
    await h.partyHangsUp(agent1!);
    await h.advance(AGENT_ANSWERS_AFTER_MS + 1000);
    const agent2 = talkingTo(h, second);
    expect(agent2).toBeDefined();
    expect(agent2).not.toBe(agent1);
    expect(inLine(h, third)).toBe(true);
    await advanceChecking(h, 30_000, [third]);

    // The second caller hangs up: the third is connected.
    await h.partyHangsUp(second);
    await h.advance(AGENT_ANSWERS_AFTER_MS + 1000);
    expect(talkingTo(h, third)).toBeDefined();
    expect(dropped(h, mode, [first, second, third])).toEqual([]);
  }, 60_000);

  it('the wait limit: a caller still in line at LINE_MAX_WAIT_SECONDS is told the agent is busy and released, within one play of the music', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const second = await h.placeCall();
    const joinedAt = h.emu.now();
    let told = false;
    while (h.hears(second) !== 'ended') {
      await h.advance(1000);
      const heard = h.hears(second);
      if (heard !== 'ended' && heard.kind === 'speech' && heard.text === LINE_WAIT_OVER) told = true;
      expect(h.emu.now() - joinedAt).toBeLessThan((MAX_WAIT_SECONDS + 31) * 1000 + 10_000);
    }
    expect(told).toBe(true);
    const endedAfter = h.emu.call(second)!.endedAt! - joinedAt;
    expect(endedAfter).toBeGreaterThanOrEqual(MAX_WAIT_SECONDS * 1000);
    expect(talkingTo(h, first)).toBeDefined();
    // (The waitUrl's <Hangup> ends the second call after the words: told, not dropped.)
    expect(dropped(h, mode, [first])).toEqual([]);
  }, 60_000);

  it('a waiting caller who hangs up leaves the line: the next one moves up and is connected when the agent is free', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const [second, third] = await calls(h, 2);
    await h.partyHangsUp(second);
    await advanceChecking(h, 40_000, [third]);
    // Its next announcement has its new place.
    expect(h.emu.log().some((e) => e.type === 'webhook' && e.callSid === third && /\/line-wait/.test(e.summary))).toBe(true);
    await h.partyHangsUp(h.agentOf(first)!);
    await h.advance(AGENT_ANSWERS_AFTER_MS + 1000);
    expect(talkingTo(h, third)).toBeDefined();
    expect(dropped(h, mode, [first, third])).toEqual([]);
  }, 60_000);

  it('an outage of the functions when the agent call ends: nobody is dropped, and the line moves on in order at the first /line-wait after it', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const [second, third] = await calls(h, 2);
    await h.advance(10_000);
    await h.functionsDown();
    try {
      await h.partyHangsUp(h.agentOf(first)!);
      await h.advance(5_000);
      // The agent's final status callback failed: nobody was connected, both still in line.
      expect(liveAgentLegs(h)).toEqual([]);
      expect(h.hears(second)).not.toBe('ended');
      expect(h.hears(third)).not.toBe('ended');
    } finally {
      await h.functionsBack();
    }
    // The next /line-wait request (at most one play of the music later) connects the first in line.
    await h.advance(31_000 + AGENT_ANSWERS_AFTER_MS);
    expect(talkingTo(h, second)).toBeDefined();
    expect(talkingTo(h, third)).toBeUndefined();
    expect(h.hears(third)).not.toBe('ended');
    await h.partyHangsUp(second);
    await h.advance(AGENT_ANSWERS_AFTER_MS + 1000);
    expect(talkingTo(h, third)).toBeDefined();
    expect(dropped(h, mode, [second, third])).toEqual([]);
  }, 60_000);

  it('a caller alone in line whose own /line-wait fell into the outage that ended the agent call: silent only until the waitUrl retry after the outage, then connected', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const [second] = await calls(h, 1);
    await h.functionsDown();
    try {
      await h.partyHangsUp(h.agentOf(first)!);
      // Past the end of its first document (words and one 30 s play): its next /line-wait fails.
      await h.advance(45_000);
      expect(h.emu.log().some((e) => e.callSid === second && /\/line-wait .* -> (error|5\d\d)/.test(e.summary))).toBe(true);
      expect(h.hears(second)).toEqual({ kind: 'silence' });
      expect(liveAgentLegs(h)).toEqual([]);
    } finally {
      await h.functionsBack();
    }
    // Twilio asks for the waitUrl again 10 s after a failed fetch (docs/line.md); that request connects it.
    await h.advance(10_000 + AGENT_ANSWERS_AFTER_MS + 1000);
    expect(talkingTo(h, second)).toBeDefined();
    expect(dropped(h, mode, [second])).toEqual([]);
  }, 60_000);

  it('GET /calls shows the line: state waiting, linePosition, waitingSince; then ringing-agent and talking once connected', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const [second, third] = await calls(h, 2);
    await h.advance(1000);
    const list = async () => {
      const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
      expect(response.status).toBe(200);
      return (
        (await response.json()) as { calls: { callSid: string; state: string; linePosition: number | null; waitingSince: string | null }[] }
      ).calls;
    };
    const records = await list();
    const of = (sid: string) => records.find((r) => r.callSid === sid);
    expect(of(first)).toMatchObject({ state: 'talking', linePosition: null, waitingSince: null });
    expect(of(second)).toMatchObject({ state: 'waiting', linePosition: 1, waitingSince: expect.stringMatching(/^\d{4}-\d\d-\d\dT/) });
    expect(of(third)).toMatchObject({ state: 'waiting', linePosition: 2 });
    await h.partyHangsUp(h.agentOf(first)!);
    await h.advance(AGENT_ANSWERS_AFTER_MS + 1000);
    const after = await list();
    expect(after.find((r) => r.callSid === second)).toMatchObject({ state: 'talking', linePosition: null, waitingSince: null });
    // The place in line is Twilio's QueuePosition at the last announcement: refreshed within one play of the music.
    expect(after.find((r) => r.callSid === third)).toMatchObject({ state: 'waiting', linePosition: 2 });
    await h.advance(31_000);
    expect((await list()).find((r) => r.callSid === third)).toMatchObject({ state: 'waiting', linePosition: 1 });
  }, 60_000);

  it('a full line (LINE_MAX_CALLERS=2): one more caller hears that the lines are busy and is released; the line is untouched', async () => {
    const first = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const [second, third] = await calls(h, 2);
    const fourth = await h.placeCall();
    expect(h.hears(fourth)).toEqual({ kind: 'speech', text: LINE_FULL });
    await h.advance(10_000);
    expect(h.hears(fourth)).toBe('ended');
    expect(inLine(h, second)).toBe(true);
    expect(inLine(h, third)).toBe(true);
    expect(talkingTo(h, first)).toBeDefined();
    expect(dropped(h, mode, [first, second, third, fourth])).toEqual([]);
  }, 60_000);
});

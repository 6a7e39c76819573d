// Screening of the agent's answer, end to end in both modes (lib/shared/agent-screening.ts): the
// BUILT functions under twilio-run, the emulator on a virtual clock, real HTTP between them. The
// agent answers, hears who is calling, and only a key press connects it; a voicemail (answers,
// never presses), a busy agent and a failing /agent-screen leave the caller told and released,
// never connected to a recorder. Needs `npm run build` first.
import { AGENT_UNAVAILABLE, CALLER_NOT_THERE } from '../../lib/shared/caller-prompts';
import { AGENT_LEFT } from '../../lib/dial/twiml';
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, CALLER_NUMBER, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';
import { PRESS_AFTER_MS } from '../../emulator/engine/parties';

type Mode = 'conference' | 'dial';

/** What the agent hears first: the default words, the caller's number digit by digit. */
const PROMPT = `A call from ${CALLER_NUMBER.slice(1).split('').join(' ')}. Press any key to take it.`;

/** Long enough for the prompt (about 7 s on the emulator's speech clock), the 5 s Gather timeout and the apology. */
const VOICEMAIL_GIVES_UP_MS = 20_000;

async function callRecord(h: E2eHarness, callSid: string): Promise<Record<string, unknown> | undefined> {
  const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
  const body = (await response.json()) as { calls: Record<string, unknown>[] };
  return body.calls.find((c) => c.callSid === callSid);
}

/** The agent's leg of this call: the caller's <Dial> child (dial mode), else the call placed to the agent. */
function agentLeg(h: E2eHarness, caller: string, mode: Mode): string | undefined {
  if (mode === 'dial') return h.agentLegOf(caller);
  const created = h.emu.calls().find((c) => c.sid === caller)?.createdAt ?? 0;
  return h.emu
    .calls()
    .filter((c) => c.to === AGENT_NUMBER && c.direction === 'outbound-api' && c.createdAt >= created)
    .at(-1)?.sid;
}

/** Whether the caller and this agent leg were ever connected (a bridge, or the agent joining the conference). */
function everConnected(h: E2eHarness, caller: string, agent: string): boolean {
  return h.emu
    .log()
    .some(
      (e) =>
        (e.callSid === caller && e.summary === `bridged with ${agent}`) ||
        (e.callSid === agent && e.type === 'conference' && e.summary.startsWith('joined ')),
    );
}

function webhookPaths(h: E2eHarness, from: number): string[] {
  return h.emu
    .log()
    .slice(from)
    .filter((e) => e.type === 'webhook')
    .map((e) => e.summary.replace(h.functions.url, ''));
}

function applicationErrorsOf(h: E2eHarness, callSid: string): number {
  return h.emu.log().filter((e) => e.type === 'error' && e.callSid === callSid && e.summary.startsWith('application error')).length;
}

describe.each<Mode>(['conference', 'dial'])('screening on, %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode, env: { AGENT_SCREENING: 'on' } });
  });
  afterAll(async () => {
    await h.close();
  });
  afterEach(async () => {
    h.emu.faults.clear();
    h.emu.setParty(AGENT_NUMBER, { behavior: 'answer', afterMs: AGENT_ANSWERS_AFTER_MS });
    for (const call of h.emu.calls()) {
      if (h.emu.hears(call.sid)) await h.emu.hangup(call.sid);
      await h.emu.settle();
    }
  });

  /** What the caller hears while the agent rings and screens: the wait music, or (dial mode) ringing as Twilio plays it. */
  function waitingSound(): string {
    return mode === 'conference' ? 'music' : 'ringing';
  }

  it('an agent who presses the key is connected, recorded as connected only then, and can hold and resume', async () => {
    const from = h.emu.log().length;
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = agentLeg(h, caller, mode)!;
    expect(h.emu.call(agent)?.status).toBe('in-progress');
    expect(h.hears(agent)).toEqual({ kind: 'speech', text: PROMPT });
    expect((h.hears(caller) as { kind: string }).kind).toBe(waitingSound());
    expect(everConnected(h, caller, agent)).toBe(false);
    expect((await callRecord(h, caller))?.state).toBe('ringing-agent');

    await h.advance(PRESS_AFTER_MS);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.hears(agent)).toEqual({ kind: 'party', callSids: [caller] });
    expect(await callRecord(h, caller)).toMatchObject({ state: 'talking', agentCallSid: agent });
    // Dial mode asks for the prompt (<Number url>); both modes send the key press.
    const screens = webhookPaths(h, from).filter((w) => w.includes('/agent-screen'));
    expect(screens).toHaveLength(mode === 'dial' ? 2 : 1);

    expect((await h.control('hold', { CallSid: caller })).status).toBe(200);
    expect((h.hears(caller) as { kind: string }).kind).toBe('music');
    expect((await h.control('unhold', { CallSid: caller })).status).toBe(200);
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.droppedCalls([caller, agent])).toEqual([]);
  });

  it('a voicemail (answers, never presses) is never connected: its leg ends, the caller is told and released', async () => {
    h.emu.setParty(AGENT_NUMBER, { behavior: 'voicemail', afterMs: AGENT_ANSWERS_AFTER_MS });
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = agentLeg(h, caller, mode)!;
    expect(h.hears(agent)).toEqual({ kind: 'speech', text: PROMPT });
    const heard = new Set<string>();
    let told: string | undefined;
    for (let t = 0; t < VOICEMAIL_GIVES_UP_MS; t += 500) {
      await h.advance(500);
      const hearing = h.hears(caller);
      heard.add(typeof hearing === 'string' ? hearing : hearing.kind);
      if (typeof hearing !== 'string' && hearing.kind === 'speech') told = hearing.text;
      expect((await callRecord(h, caller))?.state ?? 'gone').not.toBe('talking');
    }
    expect(heard.has('party')).toBe(false);
    expect(everConnected(h, caller, agent)).toBe(false);
    expect(h.emu.call(agent)?.status).toBe('completed');
    // Dial mode's agent leg ended after it answered, which dial mode tells as "the agent left".
    expect(told).toBe(mode === 'conference' ? AGENT_UNAVAILABLE : AGENT_LEFT);
    await h.advance(15_000);
    expect(h.hears(caller)).toBe('ended');
    // Both ended by a <Hangup> they ran: the agent's after the silent Gather, the caller's after the apology.
    expect(h.droppedCalls([caller, agent])).toEqual([]);
  });

  it("the caller hangs up while the agent rings: the agent's leg is cancelled (dial), or released after it accepts into the empty conference (conference)", async () => {
    const caller = await h.placeCall();
    await h.advance(500);
    const agent = agentLeg(h, caller, mode)!;
    await h.partyHangsUp(caller);
    if (mode === 'dial') {
      expect(h.emu.call(agent)?.status).toBe('canceled');
      return;
    }
    // A call of its own keeps ringing; the agent answers, presses, joins alone and hears
    // /agent-alone, which releases it after its grace.
    await h.advance(AGENT_ANSWERS_AFTER_MS + PRESS_AFTER_MS);
    expect(h.emu.call(agent)?.status).toBe('in-progress');
    const told = new Set<string>();
    for (let t = 0; t < 15_000; t += 500) {
      await h.advance(500);
      const hearing = h.hears(agent);
      if (typeof hearing !== 'string' && hearing.kind === 'speech') told.add(hearing.text);
    }
    expect([...told]).toEqual([CALLER_NOT_THERE]);
    expect(h.hears(agent)).toBe('ended');
    expect(h.droppedCalls([agent])).toEqual([]);
  });

  it('a busy agent: the caller is told and released', async () => {
    h.emu.setParty(AGENT_NUMBER, { behavior: 'busy', afterMs: AGENT_ANSWERS_AFTER_MS });
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = agentLeg(h, caller, mode)!;
    expect(h.emu.call(agent)?.status).toBe('busy');
    expect(h.hears(caller)).toEqual({ kind: 'speech', text: AGENT_UNAVAILABLE });
    await h.advance(15_000);
    expect(h.hears(caller)).toBe('ended');
    expect(h.droppedCalls([caller])).toEqual([]);
  });

  it('Sync failing when the agent presses the key: the agent is connected all the same (the record is bookkeeping)', async () => {
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    h.emu.faults.add({ target: 'rest', path: /\/v1\/Services/, status: 500, count: 1000 });
    await h.advance(PRESS_AFTER_MS);
    const agent = agentLeg(h, caller, mode)!;
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(h.droppedCalls([caller, agent])).toEqual([]);
  });

  it('a failing /agent-screen fails the agent leg only: the caller never hears an application error, is told and released', async () => {
    h.emu.faults.add({ target: 'webhook', url: /\/agent-screen/, status: 500 });
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS + PRESS_AFTER_MS);
    const agent = agentLeg(h, caller, mode)!;
    let told: string | undefined;
    for (let t = 0; t < 15_000; t += 500) {
      await h.advance(500);
      const hearing = h.hears(caller);
      if (typeof hearing !== 'string' && hearing.kind === 'speech') told ??= hearing.text;
      expect(hearing).not.toEqual({ kind: 'party', callSids: [agent] });
    }
    expect(everConnected(h, caller, agent)).toBe(false);
    expect(applicationErrorsOf(h, agent)).toBe(1);
    expect(applicationErrorsOf(h, caller)).toBe(0);
    expect(told).toBe(mode === 'conference' ? AGENT_UNAVAILABLE : AGENT_LEFT);
    expect(h.hears(caller)).toBe('ended');
    expect(h.droppedCalls([caller])).toEqual([]);
  });
});

describe.each<Mode>(['conference', 'dial'])('screening off, %s mode', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode, env: { AGENT_SCREENING: 'off' } });
  });
  afterAll(async () => {
    await h.close();
  });

  it('the agent is connected as soon as its phone answers, with no screening request', async () => {
    const from = h.emu.log().length;
    const caller = await h.placeCall();
    await h.advance(AGENT_ANSWERS_AFTER_MS);
    const agent = h.agentOf(caller)!;
    expect(h.hears(caller)).toEqual({ kind: 'party', callSids: [agent] });
    expect(webhookPaths(h, from).some((w) => w.includes('/agent-screen'))).toBe(false);
    await h.partyHangsUp(caller);
  });
});

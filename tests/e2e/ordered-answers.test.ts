// Answers that can be ordered (docs/hold-api.md, "Ordering answers"), measured as Twilio runs
// functions when deployed: TWO functions servers (two instances) against ONE emulator, 8
// concurrent hold and unhold requests per round on one call, spread over both. Per round: does the
// 200 answer with the greatest appliedAt say the call's final state, and does the answer that
// arrived last? The figures go to docs/reliability.md ("Concurrent hold and unhold"). Asserted:
// the final state is always the last update Twilio applied, and the first GET /calls after the
// burst has the final state with an updatedAt greater than every answer's appliedAt (so a client
// keeping the newest converges at its next read). Not asserted, measured: answers whose update
// Twilio applied within a few ms of each other are not always ordered by appliedAt.
// Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';
import { startFunctionsServer, type FunctionsServer } from '../../harness/functions-server';

const ROUNDS = Number(process.env.ORDERED_ROUNDS ?? 12);
const CONCURRENT = 8;

interface Answer {
  status: number;
  held?: boolean;
  appliedAt?: string;
}

describe.each(['conference', 'dial'] as const)('ordered answers from two instances, %s mode', (mode) => {
  let h: E2eHarness;
  let second: FunctionsServer;
  const figures = { rounds: 0, byAppliedAt: 0, byArrival: 0, ties: 0, lastAppliedContradicts: 0, appliedAtNotLastApplied: 0 };

  beforeAll(async () => {
    h = await startE2e({ mode });
    second = await startFunctionsServer({
      ACCOUNT_SID: h.emu.accountSid,
      AUTH_TOKEN: h.emu.authToken,
      TWILIO_API_BASE_URL: h.emu.url,
      AGENT_NUMBER,
      HOLD_MODE: mode,
      HOLD_API_TOKEN,
    });
  });
  afterAll(async () => {
    await second?.stop();
    await h?.close();
  });

  async function send(server: string, action: 'hold' | 'unhold', body: Record<string, string>, arrived: Answer[]): Promise<void> {
    const response = await fetch(`${server}/${action}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` },
      body: new URLSearchParams(body),
    });
    // Arrival is when the answer's headers come in (reading bodies at once can reorder them).
    const answer: Answer = { status: response.status };
    arrived.push(answer);
    const json = (await response.json()) as { held?: boolean; appliedAt?: string };
    answer.held = json.held;
    answer.appliedAt = json.appliedAt;
  }

  /** Held as Twilio shows it: the caller hears the music (both modes) rather than the agent. */
  function finalHeld(caller: string): boolean {
    const hears = h.hears(caller);
    if (hears === 'ended') throw new Error(`call ${caller} ended`);
    return hears.kind === 'music';
  }

  it(`${ROUNDS} rounds: the final state is the last update applied, and the next list read says so with the newest updatedAt`, async () => {
    for (let round = 0; round < ROUNDS; round += 1) {
      const caller = await h.placeCall();
      await h.advance(AGENT_ANSWERS_AFTER_MS);
      const body: Record<string, string> = { CallSid: caller };
      if (mode === 'conference') body.ConferenceSid = h.conferenceOf(caller)!.sid;
      else {
        // The handle of a first hold makes every request of the burst one update, as a client does.
        const first = await h.control('hold', body);
        body.AgentHandle = String(first.body.agentHandle);
        await h.advance(1000);
      }
      const arrived: Answer[] = [];
      const logFrom = h.emu.log().length;
      const servers = [h.functions.url, second.url];
      await Promise.all(Array.from({ length: CONCURRENT }, (_, i) =>
        send(servers[i % 2], i % 2 === 0 ? 'unhold' : 'hold', body, arrived)));
      await h.emu.settle();
      await h.advance(1000);
      const held = finalHeld(caller);
      const ok = arrived.filter((a) => a.status === 200 && a.appliedAt !== undefined);
      expect(ok.length).toBeGreaterThan(0);
      const newest = [...ok].sort((a, b) => a.appliedAt!.localeCompare(b.appliedAt!)).at(-1)!;
      const tied = ok.filter((a) => a.appliedAt === newest.appliedAt);
      figures.rounds += 1;
      if (tied.length > 1) figures.ties += 1;
      if (tied.some((a) => a.held !== held)) figures.byAppliedAt += 1;
      if (arrived.at(-1)!.held !== held) figures.byArrival += 1;
      // The updates in the order Twilio applied them (the emulator's log): hold moves the agent's leg.
      const applied = h.emu.log().slice(logFrom).filter((e) => e.type === 'rest' && /^POST \S+\/(Calls\/CA\w+|Participants\/CA\w+)\.json -> 200/.test(e.summary))
        .map((e) => (mode === 'conference' ? (e.detail as { params: Record<string, string> }).params.Hold === 'true' : !e.summary.includes(caller)));
      if (applied.at(-1) !== held) figures.lastAppliedContradicts += 1;
      if (applied.at(-1) !== newest.held) figures.appliedAtNotLastApplied += 1;
      expect(applied.at(-1)).toBe(held);
      const list = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
      const listed = ((await list.json()) as { calls: { callSid: string; state: string; updatedAt: string }[] }).calls.find((c) => c.callSid === caller)!;
      expect(listed.state).toBe(held ? 'on-hold' : 'talking');
      expect(ok.every((a) => a.appliedAt! < listed.updatedAt)).toBe(true);
      await h.partyHangsUp(caller);
    }
    process.stderr.write(`ordered answers (${mode}, two instances, ${CONCURRENT} concurrent): ${JSON.stringify(figures)}\n`);
  }, ROUNDS * 15_000);
});

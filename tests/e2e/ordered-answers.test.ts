// Answers that can be ordered (docs/hold-api.md, "Ordering answers"), measured as Twilio runs
// functions when deployed: one or TWO functions servers (instances) against ONE emulator, 8
// concurrent hold and unhold requests per round on one call, spread over the servers (with the
// SIDs that make each one update, and in dial mode also without them). Per round,
// the client's rule: an answer is certainly before another when its window (appliedAfter..
// appliedAt) closed before the other's opened; the answers that may have been applied last either
// agree (a definite state: by one answer certainly last, or by several overlapping ones that agree)
// or disagree (ambiguous: the client reads GET /calls). Asserted in every round: a definite state is
// the call's final state (zero contradictions: it holds by construction when the emulator applies
// each update inside its request's window, and both servers read one clock); the final state is the
// last update the emulator applied; the first GET /calls after the burst lists the final state with
// an updatedAt later than every answer's appliedAt, which is what resolves an ambiguous round.
// Printed, for docs/reliability.md ("Concurrent hold and unhold"): rounds, definite, ambiguous
// (and how many only because two windows touched in the same millisecond), contradictions, and for comparison how often the greatest appliedAt alone (the rule before the
// windows) or the last answer to arrive contradicted the final state.
// Needs `npm run build` first.
import { loadavg } from 'node:os';
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';
import { startFunctionsServer, type FunctionsServer } from '../../harness/functions-server';

const ROUNDS = Number(process.env.ORDERED_ROUNDS ?? 12);
const CONCURRENT = 8;
const INSTANT = /^\d{4}-\d\d-\d\dT\d\d:\d\d:\d\d\.\d{3}Z$/;

interface Answer {
  status: number;
  held?: boolean;
  appliedAfter?: string;
  appliedAt?: string;
}

type Applied = Required<Answer>;

/** X was certainly applied before Y: X's window closed before Y's opened (ISO instants compare as strings). */
const before = (x: Applied, y: Applied) => x.appliedAt < y.appliedAfter;

// Dial mode also without the handle: each request looks the agent leg up, and a resume reads the
// hold queues first (its answer's window is that read's when nothing moves; 409 between a hold and
// a resume).
describe.each([
  ['conference', 2, 'ConferenceSid'],
  ['dial', 2, 'AgentHandle'],
  ['dial', 2, 'CallSid only'],
  ['conference', 1, 'ConferenceSid'],
  ['dial', 1, 'AgentHandle'],
] as const)('ordered answers, %s mode, %i functions server(s), %s', (mode, servers, given) => {
  let h: E2eHarness;
  let second: FunctionsServer | undefined;
  const figures = {
    rounds: 0,
    definite: 0,
    definiteByOneAnswer: 0,
    ambiguous: 0,
    /** Ambiguous rounds that would be definite if windows touching in the same millisecond were ordered. */
    ambiguousBySameMillisecond: 0,
    contradictions: 0,
    greatestAppliedAtContradicts: 0,
    lastToArriveContradicts: 0,
  };

  beforeAll(async () => {
    h = await startE2e({ mode });
    if (servers === 2) {
      second = await startFunctionsServer({
        ACCOUNT_SID: h.emu.accountSid,
        AUTH_TOKEN: h.emu.authToken,
        TWILIO_API_BASE_URL: h.emu.url,
        AGENT_NUMBER,
        HOLD_MODE: mode,
        HOLD_API_TOKEN,
      });
    }
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
    const json = (await response.json()) as Answer;
    answer.held = json.held;
    answer.appliedAfter = json.appliedAfter;
    answer.appliedAt = json.appliedAt;
  }

  /** Held as Twilio shows it: the caller hears the music (both modes) rather than the agent. */
  function finalHeld(caller: string): boolean {
    const hears = h.hears(caller);
    if (hears === 'ended') throw new Error(`call ${caller} ended`);
    return hears.kind === 'music';
  }

  it(
    `${ROUNDS} rounds: every definite order says the final state; an ambiguous round is resolved by the next list read`,
    async () => {
      for (let round = 0; round < ROUNDS; round += 1) {
        const caller = await h.placeCall();
        await h.advance(AGENT_ANSWERS_AFTER_MS);
        const body: Record<string, string> = { CallSid: caller };
        if (mode === 'conference') body.ConferenceSid = h.conferenceOf(caller)!.sid;
        else {
          // The handle of a first hold makes every request of the burst one update, as a client does.
          const first = await h.control('hold', body);
          if (given === 'AgentHandle') body.AgentHandle = String(first.body.agentHandle);
          await h.advance(1000);
        }
        const arrived: Answer[] = [];
        const logFrom = h.emu.log().length;
        const urls = [h.functions.url, second?.url ?? h.functions.url];
        await Promise.all(Array.from({ length: CONCURRENT }, (_, i) => send(urls[i % 2], i % 2 === 0 ? 'unhold' : 'hold', body, arrived)));
        await h.emu.settle();
        await h.advance(1000);
        const held = finalHeld(caller);
        const ok = arrived.filter((a): a is Applied => a.status === 200);
        expect(ok.length).toBeGreaterThan(0);
        for (const answer of ok) {
          expect(answer.appliedAfter).toMatch(INSTANT);
          expect(answer.appliedAt).toMatch(INSTANT);
          expect(answer.appliedAfter <= answer.appliedAt).toBe(true);
        }
        figures.rounds += 1;

        // The client's rule (docs/hold-api.md, "Ordering answers").
        const mayBeLast = ok.filter((x) => !ok.some((y) => y !== x && before(x, y)));
        const definite = mayBeLast.every((a) => a.held === mayBeLast[0].held);
        if (definite) {
          figures.definite += 1;
          if (mayBeLast.length === 1) figures.definiteByOneAnswer += 1;
          if (mayBeLast[0].held !== held) figures.contradictions += 1;
        } else {
          figures.ambiguous += 1;
          const touching = ok.filter((x) => !ok.some((y) => y !== x && x.appliedAt <= y.appliedAfter));
          if (touching.length > 0 && touching.every((a) => a.held === touching[0].held)) figures.ambiguousBySameMillisecond += 1;
        }
        // For comparison: the point rule before the windows, and arrival order.
        const greatest = ok.reduce((a, b) => (b.appliedAt > a.appliedAt ? b : a)).appliedAt;
        if (ok.some((a) => a.appliedAt === greatest && a.held !== held)) figures.greatestAppliedAtContradicts += 1;
        if (arrived.at(-1)!.held !== held) figures.lastToArriveContradicts += 1;

        // The updates in the order the emulator applied them (its log): hold moves the agent's leg.
        const applied = h.emu
          .log()
          .slice(logFrom)
          .filter((e) => e.type === 'rest' && /^POST \S+\/(Calls\/CA\w+|Participants\/CA\w+)\.json -> 200/.test(e.summary))
          .map((e) =>
            mode === 'conference' ? (e.detail as { params: Record<string, string> }).params.Hold === 'true' : !e.summary.includes(caller),
          );
        expect(applied.at(-1)).toBe(held);
        // What an ambiguous round's client does, asserted in every round: the list read that follows.
        const list = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
        const listed = ((await list.json()) as { calls: { callSid: string; state: string; updatedAt: string }[] }).calls.find(
          (c) => c.callSid === caller,
        )!;
        expect(listed.state).toBe(held ? 'on-hold' : 'talking');
        expect(ok.every((a) => a.appliedAt < listed.updatedAt)).toBe(true);
        await h.partyHangsUp(caller);
      }
      const load = loadavg()
        .map((l) => l.toFixed(2))
        .join(' ');
      process.stderr.write(
        `ordered answers (${mode}, ${servers} server(s), ${given}, ${CONCURRENT} concurrent, load ${load}): ${JSON.stringify(figures)}\n`,
      );
      expect(figures.contradictions).toBe(0);
    },
    ROUNDS * 15_000,
  );
});

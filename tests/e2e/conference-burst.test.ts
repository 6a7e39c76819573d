// Concurrent /hold and /unhold on one conference call, over real HTTP through twilio-run and the
// emulator: the call must end in the state of the last update Twilio applied, and that update's
// own answer is a 200 that says so (or the loser answers 409); never a 200 that the call then
// contradicts. The functions send one call's updates one at a time (lib/platform/one-at-a-time.ts),
// so their answers leave in the order Twilio applied them; the client below may still read 40
// answers on 40 sockets in another order under load, so the order is taken from the emulator's log,
// not from the arrival order. Needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

let h: E2eHarness;
beforeAll(async () => {
  h = await startE2e({ mode: 'conference' });
});
afterAll(async () => {
  await h.close();
});

interface Answer {
  status: number;
  held?: boolean;
}

/**
 * Sends one request and records its answer in `arrived` when the answer's headers arrive, not after
 * its body is read: reading 40 bodies at once can finish in another order than the answers came
 * in (seen under a loaded full `npm test`), which made "the last answer given" the wrong one.
 */
async function control(action: 'hold' | 'unhold', body: Record<string, string>, arrived: Answer[]): Promise<void> {
  const response = await fetch(`${h.functions.url}/${action}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  const answer: Answer = { status: response.status };
  arrived.push(answer);
  answer.held = ((await response.json()) as { held?: boolean }).held;
}

const ROUNDS = 4;
const EACH = 20;

describe.each([
  ['with ConferenceSid (one request each)', true],
  ['without ConferenceSid (lookup, then the update)', false],
])('%s', (_name, withConferenceSid) => {
  it.each(Array.from({ length: ROUNDS }, (_, round) => round + 1))(
    `round %i: ${EACH} holds and ${EACH} unholds at once end in the state of the last update applied, which its answer reported`,
    async () => {
      const caller = await h.placeCall();
      await h.advance(AGENT_ANSWERS_AFTER_MS);
      const conference = h.conferenceOf(caller)!;
      const body: Record<string, string> = withConferenceSid ? { CallSid: caller, ConferenceSid: conference.sid } : { CallSid: caller };

      // Answers in the order they arrive here.
      const arrived: Answer[] = [];
      const actions = Array.from({ length: 2 * EACH }, (_, i): 'hold' | 'unhold' => (i % 2 === 0 ? 'hold' : 'unhold'));
      await Promise.all(actions.map((action) => control(action, body, arrived)));
      await h.emu.settle();

      expect(arrived.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      // The participant updates of this call that Twilio applied, in the order it applied them.
      const applied = h
        .restLog()
        .filter((e) => e.summary.startsWith('POST ') && e.summary.includes(`/Participants/${caller}.json -> 200`))
        .map((e) => e.params.Hold === 'true');
      expect(applied.length).toBe(arrived.filter((a) => a.status === 200).length);
      const lastApplied = applied.at(-1);
      expect(lastApplied).toBeDefined();
      // Every 200 answer reports the state its own update set: as many held answers as holds applied.
      expect(arrived.filter((a) => a.status === 200 && a.held === true).length).toBe(applied.filter(Boolean).length);
      const participant = h.conferenceOf(caller)!.participants.find((p) => p.label === 'caller')!;
      expect(participant.hold).toBe(lastApplied);
      const hears = h.hears(caller);
      expect(hears === 'ended' ? 'ended' : hears.kind).toBe(lastApplied ? 'music' : 'party');
      await h.partyHangsUp(caller);
    },
  );
});

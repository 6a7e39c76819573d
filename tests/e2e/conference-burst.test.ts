// Concurrent /hold and /unhold on one conference call, over real HTTP through twilio-run and the
// emulator: the call must end in the state of the last answer given (or the loser answers 409);
// never a 200 that the call then contradicts. Needs `npm run build` first.
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

async function control(action: 'hold' | 'unhold', body: Record<string, string>): Promise<Answer> {
  const response = await fetch(`${h.functions.url}/${action}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(body).toString(),
  });
  const parsed = (await response.json()) as { held?: boolean };
  return { status: response.status, held: parsed.held };
}

const ROUNDS = 4;
const EACH = 20;

describe.each([
  ['with ConferenceSid (one request each)', true],
  ['without ConferenceSid (lookup, then the update)', false],
])('%s', (_name, withConferenceSid) => {
  it.each(Array.from({ length: ROUNDS }, (_, round) => round + 1))(
    `round %i: ${EACH} holds and ${EACH} unholds at once end in the state of the last answer given`,
    async () => {
      const caller = await h.placeCall();
      await h.advance(AGENT_ANSWERS_AFTER_MS);
      const conference = h.conferenceOf(caller)!;
      const body: Record<string, string> = withConferenceSid ? { CallSid: caller, ConferenceSid: conference.sid } : { CallSid: caller };

      // Answers in the order they arrive here.
      const arrived: Answer[] = [];
      const actions = Array.from({ length: 2 * EACH }, (_, i): 'hold' | 'unhold' => (i % 2 === 0 ? 'hold' : 'unhold'));
      await Promise.all(actions.map(async (action) => arrived.push(await control(action, body))));
      await h.emu.settle();

      expect(arrived.every((a) => a.status === 200 || a.status === 409)).toBe(true);
      const lastOk = arrived.filter((a) => a.status === 200).at(-1);
      expect(lastOk).toBeDefined();
      const participant = h.conferenceOf(caller)!.participants.find((p) => p.label === 'caller')!;
      expect(participant.hold).toBe(lastOk!.held);
      const hears = h.hears(caller);
      expect(hears === 'ended' ? 'ended' : hears.kind).toBe(lastOk!.held ? 'music' : 'party');
      await h.partyHangsUp(caller);
    },
  );
});

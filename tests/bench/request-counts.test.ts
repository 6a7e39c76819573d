// The REST requests one /hold or /unhold costs, counted exactly, per request, as the benchmark
// counts them (bench/hold-round-trip.ts: the Voice API requests the emulator logged while the
// function served the request; Sync's call records apart). The contract's table is in
// docs/hold-api.md, "Answers that make the next request cheaper": with the SIDs passed back, every
// hold and resume is one request, so a regression from 1 to 2 fails here. The built functions
// under the real twilio-run (harness/e2e.ts); needs `npm run build` first.
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';

const PAIRS = 3;

type Action = 'hold' | 'unhold';

/** Voice API requests (2010-04-01: calls, conferences, queues) the emulator has answered so far. */
const voiceRequests = (h: E2eHarness): number => h.restLog().filter((e) => e.summary.includes('/2010-04-01/')).length;

/** One request; the Voice API requests made while it was served, and its answer. */
async function control(
  h: E2eHarness,
  action: Action,
  form: Record<string, string>,
): Promise<{ requests: number; body: Record<string, unknown> }> {
  // The webhooks the request sets off (the moved leg's TwiML, the agent queue's waitUrl, which reads
  // the queues) wait until it is answered: counted, they would be theirs, not the request's.
  const { response, body, requests } = await h.withWebhooksHeld(async () => {
    const before = voiceRequests(h);
    const response = await fetch(`${h.functions.url}/${action}`, {
      method: 'POST',
      headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams(form).toString(),
    });
    const body = (await response.json()) as Record<string, unknown>;
    return { response, body, requests: voiceRequests(h) - before };
  });
  expect(response.status).toBe(200);
  // As the benchmark does: the emulator settles, 1 s passes, and the next request meets a steady call.
  await h.emu.settle();
  await h.advance(1000);
  return { requests, body };
}

/** What the contract says to pass back from an answer (docs/hold-api.md). */
function sidsFrom(mode: 'conference' | 'dial', body: Record<string, unknown>): Record<string, string> {
  if (mode === 'conference') return { ConferenceSid: String(body.conferenceSid) };
  return typeof body.agentHandle === 'string'
    ? { AgentCallSid: String(body.agentCallSid), AgentHandle: body.agentHandle }
    : { AgentCallSid: String(body.agentCallSid) };
}

/** PAIRS holds and resumes of one fresh call: the requests each cost, in order. */
async function holdsAndResumes(h: E2eHarness, mode: 'conference' | 'dial', passSidsBack: boolean): Promise<Record<Action, number[]>> {
  const caller = await h.placeCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  const counts: Record<Action, number[]> = { hold: [], unhold: [] };
  let extra: Record<string, string> = {};
  for (let i = 0; i < PAIRS; i++) {
    for (const action of ['hold', 'unhold'] as const) {
      const { requests, body } = await control(h, action, { CallSid: caller, ...extra });
      counts[action].push(requests);
      if (passSidsBack) extra = sidsFrom(mode, body);
    }
  }
  await h.partyHangsUp(caller);
  return counts;
}

describe.each([
  // mode, then per hold and per resume: only CallSid; and with the SIDs of the previous answer.
  ['conference', { hold: 2, unhold: 2 }, { hold: 1, unhold: 1 }],
  ['dial', { hold: 2, unhold: 3 }, { hold: 1, unhold: 1 }],
] as const)('REST requests per hold and resume in %s mode', (mode, withCallSidOnly, withSidsPassedBack) => {
  let h: E2eHarness;
  beforeAll(async () => {
    h = await startE2e({ mode });
  });
  afterAll(async () => {
    await h.close();
  });

  it(`only CallSid: ${withCallSidOnly.hold} per hold, ${withCallSidOnly.unhold} per resume`, async () => {
    expect(await holdsAndResumes(h, mode, false)).toEqual({
      hold: Array(PAIRS).fill(withCallSidOnly.hold),
      unhold: Array(PAIRS).fill(withCallSidOnly.unhold),
    });
  });

  it('with the SIDs of each answer passed back: exactly 1 per hold and per resume', async () => {
    const counts = await holdsAndResumes(h, mode, true);
    // The first hold of a call cannot have them yet: it costs what a hold with only CallSid does.
    expect(counts).toEqual({
      hold: [withCallSidOnly.hold, ...Array(PAIRS - 1).fill(withSidsPassedBack.hold)],
      unhold: Array(PAIRS).fill(withSidsPassedBack.unhold),
    });
  });
});

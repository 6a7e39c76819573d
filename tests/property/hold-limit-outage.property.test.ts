// Property-based test of the rule "a held party never hears silence because of us; the limit
// survives an outage" (docs/reliability.md), both modes, with and without reminders, end to end on
// the emulator and the BUILT functions. Each run: one call, held at 0 s with HOLD_MAX_SECONDS=125
// and HOLD_WARNING_SECONDS=60 (the warning due at 65 s), and ONE outage of the functions (every
// webhook to them fails) of 5-60 s, starting anywhere from just before the hold to past the limit,
// half the runs right at a boundary (the hold, the warning, the limit, conference mode's play
// boundaries where its document asks again, each reminder). Checked every second of virtual time:
// - while the caller is held it hears the music or a reminder, never silence (longest silence: 0 s),
//   except where docs/hold-experience.md states the cost (conference mode with a limit, an outage
//   over one of the document's two requests);
// - the caller is resumed no later than the limit plus the outage's length plus the tolerance of
//   docs/hold-experience.md, or that documented exception holds.
// Prints the figures docs/reliability.md quotes. Needs `npm run build`. FC_RUNS: runs per case.
import fc from 'fast-check';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../../harness/e2e';
import { LATE_LIMIT_SECONDS } from '../../lib/shared/hold-limit';
import { armOutage, disarmFaults } from './support/faults';

const LIMIT_S = 125;
const WARNING_S = 60;
const REMINDER_S = 30;
/** docs/hold-experience.md: dial mode, the failed-waitUrl retry (10 s) and a 2 s round trip;
 *  conference mode, the agent timer's round trip and its words' rounding, 2 s. */
const TOLERANCE_S = { dial: 10 + 2, conference: 2 } as const;
/** Conference mode: the test's GET /calls, every this many seconds while the functions are up. */
const CHANCE_S = 15;
const RUNS = Number(process.env.FC_RUNS ?? 12);
const END_S = LIMIT_S + 60 + 60;

type Mode = 'conference' | 'dial';
type Reminders = 'off' | 'on';

const boundaries = [0, LIMIT_S - WARNING_S, LIMIT_S, 30, 34.8, 60, 69.2, 90, 103.6, 120, 138, 150];

const outage = fc.record({
  startS: fc.oneof(
    fc.integer({ min: -5, max: LIMIT_S + 40 }),
    fc.tuple(fc.constantFrom(...boundaries), fc.integer({ min: -3, max: 1 })).map(([b, d]) => Math.max(-5, Math.round(b) + d)),
  ),
  lengthS: fc.integer({ min: 5, max: 60 }),
});

interface Figures {
  runs: number;
  failed: number;
  /** Outside the documented exceptions. */
  longestSilenceS: number;
  worstLatenessS: number;
  /** Lateness less the outage's length, where the outage reached into the limit's steps. */
  worstBeyondOutageS: number;
  /** Runs in a documented exception, and the longest silence there. */
  exceptions: number;
  exceptionSilenceS: number;
  /** Conference mode: runs whose timer an outage took, reported (limit-unenforced) and taken by GET /calls. */
  reported: number;
}
const figures = new Map<string, Figures>();

describe.each([
  ['dial', 'off'],
  ['dial', 'on'],
  ['conference', 'off'],
  ['conference', 'on'],
] as [Mode, Reminders][])('%s mode, reminders %s: one outage of 5-60 s anywhere in a limited hold (property)', (mode, reminders) => {
  let h: E2eHarness;
  const key = `${mode}, reminders ${reminders}`;
  beforeAll(async () => {
    h = await startE2e({
      mode,
      env: {
        HOLD_MAX_SECONDS: String(LIMIT_S),
        HOLD_WARNING_SECONDS: String(WARNING_S),
        ...(reminders === 'on' ? { HOLD_REMINDER_SECONDS: String(REMINDER_S) } : {}),
      },
    });
    figures.set(key, {
      runs: 0,
      failed: 0,
      longestSilenceS: 0,
      worstLatenessS: 0,
      worstBeyondOutageS: 0,
      exceptions: 0,
      exceptionSilenceS: 0,
      reported: 0,
    });
  });
  afterAll(async () => {
    await h?.close();
    console.log(`hold limit under an outage, ${key}: ${JSON.stringify(figures.get(key))}`);
  });

  async function record(caller: string): Promise<{ events: { type: string; by: string }[] } | undefined> {
    const response = await fetch(`${h.functions.url}/calls`, { headers: { Authorization: `Bearer ${HOLD_API_TOKEN}` } });
    const { calls } = (await response.json()) as { calls: { callSid: string; events: { type: string; by: string }[] }[] };
    return calls.find((c) => c.callSid === caller);
  }

  it('the held caller hears music throughout and the limit comes within the outage plus the tolerance', async () => {
    await fc.assert(
      fc.asyncProperty(outage, async ({ startS, lengthS }) => {
        const stats = figures.get(key)!;
        stats.runs += 1;
        let ok = false;
        const caller = await h.placeCall();
        await h.advance(AGENT_ANSWERS_AFTER_MS);
        try {
          let now = -5;
          await h.advance(5_000);
          const down = (t: number) => t >= startS && t < startS + lengthS;
          const hold = await (async () => {
            if (down(0)) armOutage(h.emu, h.functions.url);
            const reply = await h.control('hold', { CallSid: caller });
            return reply.status;
          })();
          now = 0;
          // The outage may have begun before the hold: then /hold fails and nothing moves.
          const held = hold === 200;
          if (!held) {
            expect(down(0)).toBe(true);
            ok = true;
            return;
          }
          let resumedAt: number | undefined;
          let silentSince: number | undefined;
          let longestSilence = 0;
          for (now = 1; now <= END_S; now += 1) {
            if (now === startS || (startS < 0 && now === 1 && down(now))) armOutage(h.emu, h.functions.url);
            if (now === startS + lengthS) disarmFaults(h.emu);
            // The next chance (conference mode): a GET /calls while the functions are up.
            if (mode === 'conference' && now % CHANCE_S === 0 && !down(now)) await record(caller);
            await h.advance(1_000);
            const hears = h.hears(caller);
            if (hears === 'ended') throw new Error(`the caller's call ended at ${now} s`);
            if (hears.kind === 'party') {
              resumedAt = now;
              break;
            }
            if (hears.kind === 'silence') silentSince ??= now;
            else silentSince = undefined;
            if (silentSince !== undefined) longestSilence = Math.max(longestSilence, now - silentSince + 1);
          }
          disarmFaults(h.emu);
          const lateness = (resumedAt ?? Infinity) - LIMIT_S;
          const events = (await record(caller))?.events ?? [];
          // The hold's own first request (conference: the holdUrl; dial with reminders: the caller
          // queue's waitUrl) is made right after /hold: an outage that covers the hold covers it.
          const overTheHold = startS <= 0 && startS + lengthS > 0;
          if (mode === 'conference') {
            if (overTheHold) {
              // The hold instant's documented cost, with or without a limit (docs/reliability.md,
              // "Conference mode, as built"): the holdUrl request failed, silence until the resume.
              stats.exceptions += 1;
              stats.exceptionSilenceS = Math.max(stats.exceptionSilenceS, longestSilence);
            } else {
              // The music wins: never silence, whatever the outage took from the limit's timer.
              expect(longestSilence).toBe(0);
              stats.longestSilenceS = Math.max(stats.longestSilenceS, longestSilence);
            }
            expect(lateness).toBeGreaterThanOrEqual(0);
            const reported = events.some((e) => e.type === 'limit-unenforced');
            if (lateness > TOLERANCE_S.conference) {
              // The timer was lost to the outage: reported, and taken at the first GET /calls at
              // least LATE_LIMIT_SECONDS past the limit once the functions were back.
              expect(reported).toBe(true);
              stats.reported += 1;
              const back = Math.max(startS + lengthS, LIMIT_S + LATE_LIMIT_SECONDS);
              expect(resumedAt).toBeLessThanOrEqual(back + CHANCE_S + 1);
              stats.worstBeyondOutageS = Math.max(stats.worstBeyondOutageS, resumedAt! - back);
            }
            stats.worstLatenessS = Math.max(stats.worstLatenessS, lateness);
            // An outage over the hold instant also took the hold's own record (its conference
            // callback): the record never knew the hold, so it books no resume either.
            const resumes = events.filter((e) => e.type === 'resume' && e.by === 'limit');
            if (overTheHold) expect(resumes.length).toBeLessThanOrEqual(1);
            else expect(resumes).toHaveLength(1);
          } else {
            // Dial mode with reminders: a failed waitUrl is requested again 10 s later (inferred).
            const documented = reminders === 'on' && overTheHold ? startS + lengthS + 10 : 0;
            if (documented > 0) {
              stats.exceptions += 1;
              stats.exceptionSilenceS = Math.max(stats.exceptionSilenceS, longestSilence);
            }
            expect(longestSilence).toBeLessThanOrEqual(documented);
            if (documented === 0) stats.longestSilenceS = Math.max(stats.longestSilenceS, longestSilence);
            const tolerance = TOLERANCE_S.dial;
            const outageOverlapsLimit = startS < LIMIT_S + tolerance && startS + lengthS > LIMIT_S - WARNING_S;
            expect(lateness).toBeGreaterThanOrEqual(0);
            expect(lateness).toBeLessThanOrEqual(tolerance + (outageOverlapsLimit ? lengthS : 0));
            stats.worstLatenessS = Math.max(stats.worstLatenessS, lateness);
            stats.worstBeyondOutageS = Math.max(stats.worstBeyondOutageS, lateness - (outageOverlapsLimit ? lengthS : 0));
            expect(events.filter((e) => e.type === 'resume' && e.by === 'limit')).toHaveLength(1);
          }
          ok = true;
        } finally {
          if (!ok) stats.failed += 1;
          disarmFaults(h.emu);
          await h.partyHangsUp(caller);
          await h.advance(5_000);
        }
      }),
      { numRuns: RUNS },
    );
  }, 300_000);
});

// Property-based sweep of the line of waiting callers (docs/line.md), both modes, end to end: the
// emulator's virtual clock and the BUILT functions under twilio-run over real HTTP. Each run starts
// quiet, then random steps: callers arriving, clock advances, the agent hanging up, waiting callers
// hanging up, and outages of the functions (every webhook to them fails) with or without the agent
// hanging up inside them. Then the line is drained: the agent ends each call it has, the clock runs
// past the wait limit. Checked after every step and at the end:
//   - the agent is never on more than one call (never more than one live leg to its address);
//   - nobody is dropped (every ended call ended by its own hang-up, its partner's, or our <Hangup>);
//   - a live caller who is not talking to the agent hears the music, its place in line, ringing or
//     our words, never silence, except within WAITURL_RETRY_MS of one of its own webhook requests
//     failing (the failed fetch's own cost: Twilio asks for the waitUrl again 10 s later, docs/line.md,
//     "What it costs, and in foul weather"); so nobody is left in silence once the functions are back;
//   - at the end, every caller was connected, in arrival order, or hung up itself, or was told at
//     the wait limit.
// Replay a failure with the seed it prints: FC_SEED=... npx jest tests/property/line.property.test.ts
import fc from 'fast-check';
import { AGENT_ANSWERS_AFTER_MS, AGENT_NUMBER, startE2e, type E2eHarness } from '../../harness/e2e';
import { LINE_WAIT_OVER } from '../../lib/shared/line';
import { armOutage, disarmFaults } from './support/faults';

const MAX_WAIT_SECONDS = 180;
/** A waitUrl that could not be fetched is requested again this much later (docs/twilio-voice-semantics.md, Queues; inferred). */
const WAITURL_RETRY_MS = 10_000;
const TIME_LIMIT_MS = 4 * 60_000;
const RUNS = process.env.FC_RUNS ? Number(process.env.FC_RUNS) : 12;

type Step =
  | { kind: 'caller-arrives' }
  | { kind: 'advance'; ms: number }
  | { kind: 'agent-hangs-up' }
  | { kind: 'waiting-caller-hangs-up'; which: number }
  | { kind: 'outage'; ms: number; agentHangsUpAfterMs?: number };

const stepArb: fc.Arbitrary<Step> = fc.oneof(
  { weight: 3, arbitrary: fc.constant({ kind: 'caller-arrives' } as const) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 1, max: 90 }).map((s) => s * 1000) }) },
  // Long enough for a waiting caller to reach the limit while the agent keeps talking.
  {
    weight: 1,
    arbitrary: fc.record({ kind: fc.constant('advance' as const), ms: fc.integer({ min: 120, max: 240 }).map((s) => s * 1000) }),
  },
  { weight: 2, arbitrary: fc.constant({ kind: 'agent-hangs-up' } as const) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('waiting-caller-hangs-up' as const), which: fc.nat(3) }) },
  {
    weight: 2,
    arbitrary: fc.record(
      {
        kind: fc.constant('outage' as const),
        ms: fc.integer({ min: 5, max: 60 }).map((s) => s * 1000),
        agentHangsUpAfterMs: fc.integer({ min: 0, max: 4 }).map((s) => s * 1000),
      },
      { requiredKeys: ['kind', 'ms'] },
    ),
  },
);

const sequenceArb = fc.array(stepArb, { minLength: 2, maxLength: 10 });

class Violation extends Error {}

/** What the runs covered, printed at the end (a sweep that never reached a case proves nothing about it). */
let stats = {
  runs: 0,
  callers: 0,
  connected: 0,
  toldAtLimit: 0,
  hungUpWaiting: 0,
  outages: 0,
  agentEndsInOutage: 0,
  silentAfterFailedWait: 0,
  longestSilenceMs: 0,
  longestSilenceAfterOutageMs: 0,
};

interface Run {
  callers: string[];
  hungUpByTest: Set<string>;
  /** Callers in the order they were first heard talking with the agent. */
  connected: string[];
  trace: string[];
}

const LIVE = new Set(['queued', 'ringing', 'in-progress']);

function live(h: E2eHarness, sid: string): boolean {
  const call = h.emu.call(sid);
  return call !== undefined && LIVE.has(call.status);
}

function agentLegs(h: E2eHarness, earlier: Set<string>): string[] {
  return h.emu
    .calls()
    .filter((c) => !earlier.has(c.sid) && c.to === AGENT_NUMBER && LIVE.has(c.status))
    .map((c) => c.sid);
}

function partnerOf(h: E2eHarness, caller: string): string | undefined {
  const heard = h.hears(caller);
  return heard !== 'ended' && heard.kind === 'party' ? heard.callSids[0] : undefined;
}

/** When this call's latest own webhook request failed (virtual clock), if one did. */
function lastOwnWebhookFailure(h: E2eHarness, sid: string): number | undefined {
  const failures = h.emu.log().filter((e) => e.type === 'webhook' && e.callSid === sid && /-> (error|5\d\d)/.test(e.summary));
  return failures.length > 0 ? failures[failures.length - 1].t : undefined;
}

/** Since when each caller has heard silence (virtual clock), to measure the longest silence. */
const silentSince = new Map<string, number>();
/** When the last outage ended (virtual clock); undefined while one is on. */
let outageEndedAt: number | undefined = 0;

function check(h: E2eHarness, run: Run, earlier: Set<string>, mode: 'conference' | 'dial'): void {
  const legs = agentLegs(h, earlier);
  if (legs.length > 1) throw new Violation(`the agent is on ${legs.length} calls at once: ${legs.join(', ')}`);
  for (const caller of run.callers) {
    const partner = partnerOf(h, caller);
    if (partner && !run.connected.includes(caller)) run.connected.push(caller);
    const heard = h.hears(caller);
    if (heard === 'ended' || heard.kind !== 'silence') {
      silentSince.delete(caller);
      continue;
    }
    const now = h.emu.now();
    if (!silentSince.has(caller)) silentSince.set(caller, now);
    stats.longestSilenceMs = Math.max(stats.longestSilenceMs, now - silentSince.get(caller)!);
    if (outageEndedAt !== undefined) {
      stats.longestSilenceAfterOutageMs = Math.max(
        stats.longestSilenceAfterOutageMs,
        now - Math.max(outageEndedAt, silentSince.get(caller)!),
      );
    }
    const failedAt = lastOwnWebhookFailure(h, caller);
    if (failedAt === undefined) throw new Violation(`caller ${caller} hears silence and none of its webhooks failed`);
    // The retry is due WAITURL_RETRY_MS after the failure; its answer arrives within the next 1 s step.
    if (now - failedAt > WAITURL_RETRY_MS + 1000) {
      throw new Violation(`caller ${caller} hears silence ${now - failedAt} ms after its own webhook last failed`);
    }
  }
  const sids = [
    ...run.callers,
    ...h.emu
      .calls()
      .filter((c) => !earlier.has(c.sid) && c.to === AGENT_NUMBER)
      .map((c) => c.sid),
  ];
  const dropped = (mode === 'conference' ? h.droppedConferenceCalls(sids) : h.droppedCalls(sids)).filter((sid) => !toldAtLimit(h, sid));
  if (dropped.length > 0) throw new Violation(`dropped: ${dropped.join(', ')}`);
}

/** Ended by the line's <Hangup> after LINE_WAIT_OVER (a waitUrl's verbs are not in the emulator's log). */
const toldAtLimitSids = new Set<string>();
function toldAtLimit(_h: E2eHarness, sid: string): boolean {
  return toldAtLimitSids.has(sid);
}

/** Advances in 1 s steps (the limit's words last a few seconds), noting who is told at the limit. */
async function advance(h: E2eHarness, run: Run, ms: number, earlier: Set<string>, mode: 'conference' | 'dial'): Promise<void> {
  for (let t = 0; t < ms; t += 1000) {
    await h.advance(Math.min(1000, ms - t));
    for (const caller of run.callers) {
      const heard = h.hears(caller);
      if (heard !== 'ended' && heard.kind === 'speech' && heard.text === LINE_WAIT_OVER) toldAtLimitSids.add(caller);
    }
    if (t % 5000 === 0) check(h, run, earlier, mode);
  }
  check(h, run, earlier, mode);
}

async function agentHangsUp(h: E2eHarness, earlier: Set<string>): Promise<boolean> {
  const leg = agentLegs(h, earlier).find((sid) => h.emu.call(sid)?.status === 'in-progress');
  if (!leg) return false;
  await h.partyHangsUp(leg);
  return true;
}

async function endLeftovers(h: E2eHarness): Promise<void> {
  disarmFaults(h.emu);
  for (const call of h.emu.calls()) {
    if (!live(h, call.sid)) continue;
    await h.emu.hangup(call.sid);
    await h.emu.settle();
  }
  await h.advance(30_000);
}

async function runSequence(h: E2eHarness, mode: 'conference' | 'dial', steps: Step[]): Promise<void> {
  await endLeftovers(h);
  const earlier = new Set(h.emu.calls().map((c) => c.sid));
  const run: Run = { callers: [], hungUpByTest: new Set(), connected: [], trace: [] };
  try {
    run.callers.push(await h.placeCall());
    await advance(h, run, AGENT_ANSWERS_AFTER_MS, earlier, mode);
    for (const step of steps) {
      run.trace.push(JSON.stringify(step));
      switch (step.kind) {
        case 'caller-arrives':
          run.callers.push(await h.placeCall());
          await advance(h, run, 1000, earlier, mode);
          break;
        case 'advance':
          await advance(h, run, step.ms, earlier, mode);
          break;
        case 'agent-hangs-up':
          await agentHangsUp(h, earlier);
          await advance(h, run, 1000, earlier, mode);
          break;
        case 'waiting-caller-hangs-up': {
          const waiting = run.callers.filter((c) => live(h, c) && !partnerOf(h, c));
          const caller = waiting[step.which % Math.max(1, waiting.length)];
          if (caller) {
            run.hungUpByTest.add(caller);
            await h.partyHangsUp(caller);
          }
          await advance(h, run, 1000, earlier, mode);
          break;
        }
        case 'outage':
          stats.outages += 1;
          armOutage(h.emu, h.functions.url);
          outageEndedAt = undefined;
          try {
            if (step.agentHangsUpAfterMs !== undefined) {
              await advance(h, run, step.agentHangsUpAfterMs, earlier, mode);
              if (await agentHangsUp(h, earlier)) stats.agentEndsInOutage += 1;
            }
            await advance(h, run, step.ms, earlier, mode);
          } finally {
            disarmFaults(h.emu);
            outageEndedAt = h.emu.now();
          }
          break;
      }
    }
    // Drain: the agent ends each call 5 s after it is connected, until the line is empty or every
    // caller has waited past the limit.
    run.trace.push('drain');
    for (let i = 0; i < (MAX_WAIT_SECONDS + 120) / 5; i += 1) {
      if (run.callers.every((c) => !live(h, c))) break;
      await advance(h, run, 5000, earlier, mode);
      await agentHangsUp(h, earlier);
    }
    await advance(h, run, 5000, earlier, mode);
    // Every caller: connected in arrival order, hung up by the test, or told at the limit.
    const order = run.callers.filter((c) => run.connected.includes(c));
    if (order.join() !== run.connected.join())
      throw new Violation(`connected out of order: ${run.connected.join(', ')} (arrival: ${run.callers.join(', ')})`);
    stats.runs += 1;
    stats.callers += run.callers.length;
    stats.connected += run.connected.length;
    stats.toldAtLimit += run.callers.filter((c) => toldAtLimitSids.has(c)).length;
    stats.hungUpWaiting += run.hungUpByTest.size;
    stats.silentAfterFailedWait += run.callers.filter((c) =>
      h.emu.log().some((e) => e.type === 'webhook' && e.callSid === c && /\/line-wait.* -> (error|5\d\d)/.test(e.summary)),
    ).length;
    for (const caller of run.callers) {
      if (run.connected.includes(caller) || run.hungUpByTest.has(caller) || toldAtLimitSids.has(caller)) continue;
      const heard = h.hears(caller);
      throw new Violation(`caller ${caller} was neither connected, nor told at the limit, nor hung up: hears ${JSON.stringify(heard)}`);
    }
  } catch (error) {
    if (error instanceof Violation) throw new Error(`${error.message}\n  trace:\n    ${run.trace.join('\n    ')}`, { cause: error });
    throw error;
  } finally {
    await endLeftovers(h);
  }
}

describe.each(['conference', 'dial'] as const)('the line in %s mode, swept', (mode) => {
  let h: E2eHarness;
  beforeAll(async () => {
    stats = {
      runs: 0,
      callers: 0,
      connected: 0,
      toldAtLimit: 0,
      hungUpWaiting: 0,
      outages: 0,
      agentEndsInOutage: 0,
      silentAfterFailedWait: 0,
      longestSilenceMs: 0,
      longestSilenceAfterOutageMs: 0,
    };
    h = await startE2e({ mode, env: { LINE_MAX_WAIT_SECONDS: String(MAX_WAIT_SECONDS) } });
  });
  afterAll(async () => {
    await h?.close();
  });

  it(
    'no sequence of arrivals, hang-ups, clock advances and outages puts the agent on two calls, drops anyone, or leaves a caller in line',
    async () => {
      const seed = process.env.FC_SEED ? Number(process.env.FC_SEED) : Math.floor(Math.random() * 0x7fffffff);
      console.log(
        `[line ${mode}] seed=${seed} numRuns=${RUNS} (replay: FC_SEED=${seed} npx jest tests/property/line.property.test.ts -t ${mode})`,
      );
      await fc.assert(
        fc.asyncProperty(sequenceArb, (steps) => runSequence(h, mode, steps)),
        { seed, numRuns: RUNS, interruptAfterTimeLimit: TIME_LIMIT_MS, markInterruptAsFailure: true, endOnFailure: true },
      );
      console.log(`[line ${mode}] ${JSON.stringify(stats)}`);
      if (process.env.LINE_SWEEP_STATS) process.stderr.write(`[line ${mode}] ${JSON.stringify(stats)}\n`);
    },
    TIME_LIMIT_MS + 60_000,
  );
});

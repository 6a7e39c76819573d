// One hold or resume at a time, end to end: POST /hold and /unhold to the BUILT functions under
// the real twilio-run, which make their REST requests to the emulator, all over real HTTP on this
// machine. Gives two figures:
//   - REST requests per hold and per resume, per mode, with and without the SIDs passed back
//     (ConferenceSid, AgentCallSid), counted in the emulator's log while the request is served;
//   - the round-trip latency of /hold and /unhold (p50/p99), with twilio-run serving from one
//     process (--no-fork-process, as npm start does) and forking a process per request (its default).
// Requests are sequential: each is timed alone, and the emulator then settles (its virtual clock
// advanced 1 s) outside the timed part, so the next one meets a call in a steady state.
import { performance } from 'node:perf_hooks';
import type { Emulator } from '../emulator';
import { GatedWebhookTransport } from '../harness/gated-webhooks';
import { AGENT_ANSWERS_AFTER_MS, BUSINESS, HOLD_API_TOKEN, startEmulatorFor, TwilioRun } from './emulator';

export type Mode = 'conference' | 'dial';
type Action = 'hold' | 'unhold';

export interface RestCount {
  mode: Mode;
  withSids: boolean;
  /** Median REST requests the function made while serving one /hold (and /unhold). */
  hold: number;
  unhold: number;
  /** Median other REST requests (Sync: the console's call records) per /hold and /unhold. */
  holdOther: number;
  unholdOther: number;
  /** Max over the sample (a retry or an unexpected path would show here). */
  holdMax: number;
  unholdMax: number;
  samples: number;
  /** Where the SIDs came from: the /hold answer, or the emulator's state when the answer lacks them. */
  sidsFrom?: 'answer' | 'emulator';
}

export interface Latency {
  mode: Mode;
  fork: boolean;
  requests: number;
  failed: number;
  p50Ms: number;
  p99Ms: number;
  meanMs: number;
}

export interface RoundTripReport {
  counts: RestCount[];
  latency: Latency[];
}

interface Outcome {
  ms: number;
  rest: number;
  other: number;
  status: number;
  body: Record<string, unknown>;
}

/** An emulator on the twilio-run's fixed port, counting REST requests as they are logged. */
async function emulatorFor(
  tr: TwilioRun,
): Promise<{ emu: Emulator; webhooks: GatedWebhookTransport; rest: () => number; other: () => number }> {
  const webhooks = new GatedWebhookTransport();
  const emu = await startEmulatorFor(tr, { webhookTransport: webhooks });
  // Voice API requests (2010-04-01: calls, conferences, queues) and the rest (Sync: the call
  // records of the console), counted apart: the floor of 1 is about the first.
  let rest = 0;
  let other = 0;
  const add = emu.engine.log.add.bind(emu.engine.log);
  emu.engine.log.add = (type, summary, ...more) => {
    if (type === 'rest') {
      if (summary.includes('/2010-04-01/')) rest++;
      else other++;
    }
    add(type, summary, ...more);
  };
  return { emu, webhooks, rest: () => rest, other: () => other };
}

async function control(
  tr: TwilioRun,
  action: Action,
  form: Record<string, string>,
  rest: () => number,
  other: () => number,
): Promise<Outcome> {
  const before = rest();
  const otherBefore = other();
  const t0 = performance.now();
  const response = await fetch(`${tr.url}/${action}`, {
    method: 'POST',
    headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, 'Content-Type': 'application/x-www-form-urlencoded' },
    body: new URLSearchParams(form).toString(),
  });
  const text = await response.text();
  const ms = performance.now() - t0;
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(text) as Record<string, unknown>;
  } catch {
    body = { text };
  }
  return { ms, rest: rest() - before, other: other() - otherBefore, status: response.status, body };
}

/** The SIDs that make the next request cheaper: from the answer (the contract), else the emulator. */
function sidsOf(
  emu: Emulator,
  mode: Mode,
  callSid: string,
  answer: Record<string, unknown>,
): { form: Record<string, string>; from: 'answer' | 'emulator' } {
  if (mode === 'conference') {
    if (typeof answer.conferenceSid === 'string') return { form: { ConferenceSid: answer.conferenceSid }, from: 'answer' };
    const conference = emu.conferences().find((c) => c.friendlyName === callSid && c.status !== 'completed');
    return { form: conference ? { ConferenceSid: conference.sid } : {}, from: 'emulator' };
  }
  // Dial mode's one-request path takes the signed handle of the answer (contracts: AgentHandle).
  if (typeof answer.agentCallSid === 'string') {
    const handle: Record<string, string> = typeof answer.agentHandle === 'string' ? { AgentHandle: answer.agentHandle } : {};
    return { form: { AgentCallSid: answer.agentCallSid, ...handle }, from: 'answer' };
  }
  const agent = emu.calls().find((c) => c.parentCallSid === callSid && c.status === 'in-progress');
  return { form: agent ? { AgentCallSid: agent.sid } : {}, from: 'emulator' };
}

const median = (xs: number[]): number => {
  const s = [...xs].sort((a, b) => a - b);
  return s.length % 2 ? s[(s.length - 1) / 2] : (s[s.length / 2 - 1] + s[s.length / 2]) / 2;
};
const quantile = (xs: number[], q: number): number => [...xs].sort((a, b) => a - b)[Math.min(xs.length - 1, Math.floor(q * xs.length))];

/**
 * `pairs` holds and resumes of one call (then a fresh call every 50 pairs, so that no call lives
 * unrealistically long), on one twilio-run; with SIDs passed back or not.
 */
async function run(
  tr: TwilioRun,
  pairs: number,
  withSids: boolean,
): Promise<{ outcomes: Record<Action, Outcome[]>; sidsFrom?: 'answer' | 'emulator' }> {
  const { emu, webhooks, rest, other } = await emulatorFor(tr);
  const outcomes: Record<Action, Outcome[]> = { hold: [], unhold: [] };
  let sidsFrom: 'answer' | 'emulator' | undefined;
  try {
    let callSid = '';
    let extra: Record<string, string> = {};
    for (let i = 0; i < pairs; i++) {
      if (i % 50 === 0) {
        callSid = emu.engine.placeInboundCall(`+1555${String(1_000_000 + i)}`, BUSINESS);
        await emu.settle();
        await emu.advance(AGENT_ANSWERS_AFTER_MS);
        await emu.settle();
        extra = {};
      }
      for (const action of ['hold', 'unhold'] as const) {
        // The webhooks the request sets off wait until it is answered: counted, they would be theirs.
        const outcome = await webhooks.heldWhile(() => control(tr, action, { CallSid: callSid, ...extra }, rest, other));
        outcomes[action].push(outcome);
        await emu.settle();
        await emu.advance(1000);
        await emu.settle();
        if (withSids && outcome.status === 200) {
          const sids = sidsOf(emu, tr.mode, callSid, outcome.body);
          extra = sids.form;
          sidsFrom ??= sids.from;
        }
      }
    }
  } finally {
    await emu.close();
  }
  return { outcomes, sidsFrom };
}

function restCount(mode: Mode, withSids: boolean, r: Awaited<ReturnType<typeof run>>): RestCount {
  // The first hold of each call cannot have SIDs yet: counted only where SIDs were passed.
  const counted = (o: Outcome[], action: Action): number[] =>
    o.filter((x, i) => x.status === 200 && (!withSids || action === 'unhold' || i % 50 !== 0)).map((x) => x.rest);
  const hold = counted(r.outcomes.hold, 'hold');
  const unhold = counted(r.outcomes.unhold, 'unhold');
  const others = (o: Outcome[]): number => median(o.filter((x) => x.status === 200).map((x) => x.other));
  return {
    mode,
    withSids,
    hold: median(hold),
    unhold: median(unhold),
    holdOther: others(r.outcomes.hold),
    unholdOther: others(r.outcomes.unhold),
    holdMax: Math.max(...hold),
    unholdMax: Math.max(...unhold),
    samples: hold.length + unhold.length,
    ...(withSids ? { sidsFrom: r.sidsFrom } : {}),
  };
}

function latencyOf(mode: Mode, fork: boolean, r: Awaited<ReturnType<typeof run>>): Latency {
  const all = [...r.outcomes.hold, ...r.outcomes.unhold];
  const ok = all.filter((o) => o.status === 200).map((o) => o.ms);
  return {
    mode,
    fork,
    requests: all.length,
    failed: all.length - ok.length,
    p50Ms: quantile(ok, 0.5),
    p99Ms: quantile(ok, 0.99),
    meanMs: ok.reduce((a, b) => a + b, 0) / ok.length,
  };
}

/**
 * pairs: holds+resumes per measured series (>= 100 pairs gives the >= 200 requests of the brief);
 * forkPairs: the same for the forking twilio-run, which is about 100x slower per request.
 */
export async function measureRoundTrips(pairs: number, forkPairs: number): Promise<RoundTripReport> {
  const counts: RestCount[] = [];
  const latency: Latency[] = [];
  for (const mode of ['conference', 'dial'] as const) {
    const tr = await TwilioRun.start({ mode });
    try {
      await run(tr, Math.min(10, pairs), false); // warm-up: twilio-run loads each function once
      const plain = await run(tr, pairs, false);
      const sids = await run(tr, pairs, true);
      counts.push(restCount(mode, false, plain), restCount(mode, true, sids));
      latency.push(latencyOf(mode, false, plain));
    } finally {
      await tr.stop();
    }
  }
  const forking = await TwilioRun.start({ mode: 'conference', fork: true });
  try {
    await run(forking, 1, false);
    latency.push(latencyOf('conference', true, await run(forking, forkPairs, false)));
  } finally {
    await forking.stop();
  }
  return { counts, latency };
}

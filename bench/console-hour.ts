// What one open hold console costs per hour: GET /calls invocations and the Sync requests they make,
// idle (nothing changes) and busy (a held call changes state every BUSY_EVERY_MS), for the page as it
// was (a GET /calls every 2 s after the previous answer) and as it is (the long poll: GET
// /calls?wait=8 with If-None-Match, asked again as soon as it answers). Runs a client that behaves as
// the page does against the BUILT functions under twilio-run and the emulator (which logs every Sync
// request), for `--seconds` of real time per case, and scales the counts to one hour. Also measures
// freshness: from a hold or resume's answer to the first list that shows it.
//
//   npm run build && npx tsx bench/console-hour.ts [--seconds=96] [--save]
// --save keeps the figures in bench/console-hour.json, which bench/report.ts renders into
// BENCHMARKS.md ("One open hold console, per hour"); `npm run bench` does not re-run it (minutes of
// real time: the long poll waits on the real clock).
import { writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import { AGENT_ANSWERS_AFTER_MS, HOLD_API_TOKEN, startE2e, type E2eHarness } from '../harness/e2e';

const POLL_EVERY_MS = 2000;
const WAIT_SECONDS = 8;
const BUSY_EVERY_MS = 10_000;
const CONSOLE_READ = /^GET \/v1\/Services\/[^/]+\/Maps\/hold-calls(\/Items)? -> /;

type Client = 'every 2 s (before)' | 'long poll (after)';
export interface ConsoleHourResults {
  date: string;
  command: string;
  /** Load average 1/5/15 min before and after. */
  loadBefore: number[];
  loadAfter: number[];
  figures: Figures[];
}

export const CONSOLE_HOUR_RESULTS = path.join(__dirname, 'console-hour.json');

interface Figures {
  client: Client;
  load: 'idle' | 'busy';
  seconds: number;
  invocations: number;
  syncReads: number;
  changes: number;
  seenWithinMs: number[];
}

const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

async function measure(h: E2eHarness, client: Client, load: 'idle' | 'busy', seconds: number): Promise<Figures> {
  const caller = await h.placeCall();
  await h.advance(AGENT_ANSWERS_AFTER_MS);
  let logFrom = h.emu.log().length;
  let end = Date.now() + seconds * 1000;
  let invocations = 0;
  let state = '';
  /** Changes made, by the time their answer came, waiting to be seen: [state expected, answered at]. */
  const pending: [string, number][] = [];
  const seenWithinMs: number[] = [];
  const see = (calls: { callSid: string; state: string }[]) => {
    state = calls.find((c) => c.callSid === caller)?.state ?? '';
    while (pending.length > 0 && pending[0][0] === state) seenWithinMs.push(Date.now() - pending.shift()![1]);
  };
  const reader = (async () => {
    let etag: string | null = null;
    let first = true;
    while (Date.now() < end) {
      const longPoll = client === 'long poll (after)';
      const started = Date.now();
      const response = await fetch(`${h.functions.url}/calls${longPoll ? `?wait=${etag ? WAIT_SECONDS : 0}` : ''}`, {
        headers: { Authorization: `Bearer ${HOLD_API_TOKEN}`, ...(longPoll && etag ? { 'If-None-Match': etag } : {}) },
      });
      // The page's first read (at sign-in) is not counted: the window starts after it.
      if (first) {
        first = false;
        logFrom = h.emu.log().length;
        end = Date.now() + seconds * 1000;
      } else {
        invocations += 1;
      }
      if (response.status === 200) {
        etag = response.headers.get('etag');
        see(((await response.json()) as { calls: { callSid: string; state: string }[] }).calls);
      } else {
        await response.arrayBuffer();
      }
      if (!longPoll) await sleep(Math.max(0, POLL_EVERY_MS - (Date.now() - started)));
    }
  })();
  let changes = 0;
  if (load === 'busy') {
    while (Date.now() + BUSY_EVERY_MS < end) {
      await sleep(BUSY_EVERY_MS);
      const action = changes % 2 === 0 ? 'hold' : 'unhold';
      const answer = await h.control(action, { CallSid: caller });
      if (answer.status === 200) pending.push([action === 'hold' ? 'on-hold' : 'talking', Date.now()]);
      changes += 1;
    }
  }
  await reader;
  const syncReads = h.emu
    .log()
    .slice(logFrom)
    .filter((e) => e.type === 'sync' && CONSOLE_READ.test(e.summary)).length;
  await h.emu.hangup(caller);
  await h.emu.settle();
  return { client, load, seconds, invocations, syncReads, changes, seenWithinMs };
}

function perHour(count: number, seconds: number): number {
  return Math.round((count * 3600) / seconds);
}

export async function measureConsoleHour(seconds: number): Promise<Figures[]> {
  const h = await startE2e({ mode: 'conference' });
  try {
    const figures: Figures[] = [];
    for (const load of ['idle', 'busy'] as const) {
      for (const client of ['every 2 s (before)', 'long poll (after)'] as const) figures.push(await measure(h, client, load, seconds));
    }
    return figures;
  } finally {
    await h.close();
  }
}

export function renderConsoleHour(figures: Figures[]): string {
  const rows = figures.map((f) => {
    const seen = [...f.seenWithinMs].sort((a, b) => a - b);
    const freshness = seen.length > 0 ? `${seen.length} of ${f.changes}; longest ${(seen.at(-1)! / 1000).toFixed(1)} s` : '-';
    return `| ${f.load} | ${f.client} | ${f.seconds} | ${f.invocations} | ${f.syncReads} | ${perHour(f.invocations, f.seconds).toLocaleString('en')} | ${perHour(f.syncReads, f.seconds).toLocaleString('en')} | ${freshness} |`;
  });
  return [
    '| load | client | seconds measured | GET /calls | Sync reads | invocations per hour | Sync reads per hour | changes seen (of made); longest from answer to seen |',
    '|---|---|---:|---:|---:|---:|---:|---|',
    ...rows,
  ].join('\n');
}

if (require.main === module) {
  const seconds = Number(process.argv.find((a) => a.startsWith('--seconds='))?.slice('--seconds='.length) ?? 96);
  const loadBefore = os.loadavg();
  measureConsoleHour(seconds).then(
    (figures) => {
      console.log(renderConsoleHour(figures));
      if (process.argv.includes('--save')) {
        const results: ConsoleHourResults = {
          date: new Date().toISOString().replace(/\.\d+Z$/, 'Z'),
          command: `npx tsx bench/console-hour.ts ${process.argv.slice(2).join(' ')}`.trim(),
          loadBefore,
          loadAfter: os.loadavg(),
          figures,
        };
        writeFileSync(CONSOLE_HOUR_RESULTS, JSON.stringify(results, null, 1) + '\n');
      }
    },
    (error) => {
      console.error(error);
      process.exit(1);
    },
  );
}

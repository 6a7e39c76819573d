// Writes BENCHMARKS.md from one `npm run bench` run: every figure is measured in that run, and
// every comparison is a ratio of two things measured side by side in it.
import os from 'node:os';
import { bundleSizeSection } from './bundle-size';
import { existsSync, readFileSync } from 'node:fs';
import { CONSOLE_HOUR_RESULTS, type ConsoleHourResults, renderConsoleHour } from './console-hour';
import type { ColdLoadReport } from './cold-load';
import type { DeploySizeReport } from './deploy-size';
import type { BenchRow, WorkerComparison } from './emulator';
import type { BuildRow, HandlerRow } from './handler-time';
import type { RoundTripReport } from './hold-round-trip';
import type { ProfileReport } from './profile';

export interface Machine {
  cpus: string;
  memory: string;
  os: string;
  node: string;
  loadBefore: number[];
  loadAfter: number[];
}

export function describeMachine(loadBefore: number[]): Machine {
  const cpus = os.cpus();
  return {
    cpus: `${cpus.length} x ${cpus[0]?.model.trim() ?? 'unknown'}`,
    memory: `${(os.totalmem() / 2 ** 30).toFixed(1)} GiB`,
    os: `${os.type()} ${os.release()} (${os.arch()})`,
    node: process.version,
    loadBefore,
    loadAfter: os.loadavg(),
  };
}

export interface BenchResults {
  date: string;
  quick: boolean;
  command: string;
  seconds: number;
  machine: Machine;
  roundTrips: RoundTripReport;
  coldLoad: ColdLoadReport;
  handlers: HandlerRow[];
  /** Absent in results kept before it was measured. */
  twimlBuilding?: BuildRow[];
  emulator: BenchRow[];
  profile?: ProfileReport;
  webhookWorker?: WorkerComparison;
  deploy: DeploySizeReport;
}

/** The cold-load targets: a TwiML-only function within 1.3x `node -e 0`, a REST one within 1.1x `require('twilio')`. */
export const TARGETS = { twimlOnlyVsNode: 1.3, restVsTwilio: 1.1 };

const int = (x: number): string => Math.round(x).toLocaleString('en-US');
const fix = (x: number, d = 2): string => (Number.isFinite(x) ? x.toFixed(d) : '-');
const pct = (f: number | undefined): string => (f === undefined || !Number.isFinite(f) ? '-' : `${Math.round(f * 100)}%`);
const kib = (b: number): string => `${(b / 1024).toFixed(1)} KiB`;
const load = (l: number[]): string => l.map((x) => x.toFixed(2)).join(' / ');

function table(head: string[], rows: (string | number)[][], right = new Set<number>()): string {
  const line = (cells: (string | number)[]): string => `| ${cells.map(String).join(' | ')} |`;
  const rule = `|${head.map((_, i) => (right.has(i) ? '---:' : '---')).join('|')}|`;
  return [line(head), rule, ...rows.map(line)].join('\n');
}
const numeric = (from: number, to: number): Set<number> => new Set(Array.from({ length: to - from + 1 }, (_, i) => from + i));

function headlines(r: BenchResults): string[] {
  const out: string[] = [];
  const conf = r.roundTrips.counts.filter((c) => c.mode === 'conference');
  const dial = r.roundTrips.counts.filter((c) => c.mode === 'dial');
  const per = (cs: typeof conf, sids: boolean): string => {
    const c = cs.find((x) => x.withSids === sids);
    return c ? `${c.hold} per hold / ${c.unhold} per resume` : '-';
  };
  const sync = r.roundTrips.counts.find((c) => c.holdOther !== undefined);
  out.push(
    `**REST requests** (Voice API): conference mode ${per(conf, true)} when the caller of the API passes the SIDs back, ${per(conf, false)} without; dial mode ${per(dial, true)} with, ${per(dial, false)} without (floor: 1)${sync ? `; plus the console's call record in Sync (${sync.holdOther} per hold, ${sync.unholdOther} per resume in ${sync.mode} mode)` : ''}.`,
  );
  const twiml = r.coldLoad.functions.filter((f) => f.kind === 'twiml-only');
  const rest = r.coldLoad.functions.filter((f) => f.kind === 'rest');
  const range = (xs: number[]): string => {
    const [low, high] = [fix(Math.min(...xs)), fix(Math.max(...xs))];
    return low === high ? `${low}x` : `${low}-${high}x`;
  };
  out.push(
    `**Cold load** (CPU of a fresh node process that loads the function, median of ${r.coldLoad.runs} interleaved runs): every built function loads in ${range(r.coldLoad.functions.map((f) => f.vsNode))} the CPU of \`node -e 0\` (TwiML-only target ${TARGETS.twimlOnlyVsNode}x) and 1 module; a REST function with its lazily loaded client costs ${range(rest.map((f) => f.vsTwilio))} of \`require('twilio')\` alone (target ${TARGETS.restVsTwilio}x); a TwiML-only function ${range(twiml.map((f) => f.vsTwilio))}.${
      r.coldLoad.before
        ? ` The same functions built from \`${r.coldLoad.before}\` (before this change), in the same rounds: ${range(r.coldLoad.functions.flatMap((f) => (f.beforeVsNode === undefined ? [] : [f.beforeVsNode])))} of \`node -e 0\`.`
        : ''
    }`,
  );
  const noFork = r.roundTrips.latency.filter((l) => !l.fork);
  const fork = r.roundTrips.latency.find((l) => l.fork);
  const conference = noFork.find((l) => l.mode === 'conference');
  if (conference && fork) {
    out.push(
      `**A hold or resume through \`npm start\`** (twilio-run --no-fork-process + the emulator, over HTTP): p50 ${fix(conference.p50Ms, 1)} ms, p99 ${fix(conference.p99Ms, 1)} ms (conference mode, ${conference.requests} requests); forking a process per request (twilio-run's default): p50 ${fix(fork.p50Ms, 0)} ms, p99 ${fix(fork.p99Ms, 0)} ms, ${fix(fork.p50Ms / conference.p50Ms, 0)}x the p50.`,
    );
  }
  const scale = r.emulator.filter((row) => row.transport === 'functions');
  if (scale.length) {
    const lost = scale.reduce((a, s) => a + (s.lost ?? 0), 0);
    const failed = scale.reduce((a, s) => a + (s.controlFailed ?? 0), 0);
    const best = scale.reduce((a, b) => ((a.controlPerSec ?? 0) >= (b.controlPerSec ?? 0) ? a : b));
    out.push(
      `**Scale**: up to ${int(best.controlPerSec ?? 0)} holds and resumes per second (${int(best.calls)} concurrent calls, ${best.mode} mode, one twilio-run process); calls lost: ${lost}, failed requests: ${failed}, over ${scale.map((s) => `${int(s.calls)} ${s.mode}`).join(', ')} calls; twilio-run is the busy side (${scale.map((s) => pct(s.twilioRun?.elu)).join(', ')} busy against the emulator's ${scale.map((s) => pct(s.emulatorElu)).join(', ')}).`,
    );
  }
  const h = r.handlers.find((x) => x.name === 'hold-music');
  const b = r.twimlBuilding?.[0];
  if (h)
    out.push(
      `**Warm handler time** (/hold-music in-process, signed request): ${int(h.ours.opsPerSec)} ops/s including our own X-Twilio-Signature check, against ${int(h.baseline.opsPerSec)} for the same TwiML written as Twilio's examples write it, with no check (${fix(h.speedup)}x)${b ? `; building the TwiML alone, ${fix(b.speedup)}x VoiceResponse's ops/s` : ''}.`,
    );
  const fnBytes = r.deploy.functions.reduce((a, f) => a + f.bytes, 0);
  out.push(
    `**Deploy size**: ${r.deploy.functions.length} functions ${kib(fnBytes)} in all, assets ${kib(r.deploy.assets.reduce((a, f) => a + f.bytes, 0))}; Twilio installs ${r.deploy.packages} production packages, ${(r.deploy.packagesBytes / 2 ** 20).toFixed(1)} MiB.`,
  );
  return out;
}

function roundTripSection(r: BenchResults): string {
  const counts = table(
    [
      'mode',
      'SIDs passed back',
      '/hold: REST requests',
      '/unhold: REST requests',
      'per hold / floor of 1',
      'per resume / floor of 1',
      'max seen (hold, resume)',
      'requests counted',
      'Sync requests (hold, resume)',
    ],
    r.roundTrips.counts.map((c) => [
      c.mode,
      c.withSids
        ? `yes (${c.mode === 'conference' ? 'ConferenceSid' : 'AgentCallSid and AgentHandle'}, from ${c.sidsFrom === 'answer' ? 'the previous answer' : "the emulator's state"})`
        : 'no (CallSid only)',
      c.hold,
      c.unhold,
      `${fix(c.hold, 1)}x`,
      `${fix(c.unhold, 1)}x`,
      `${c.holdMax}, ${c.unholdMax}`,
      c.samples,
      c.holdOther === undefined ? '-' : `${c.holdOther}, ${c.unholdOther}`,
    ]),
    numeric(2, 8),
  );
  const noForkP50 = r.roundTrips.latency.find((l) => !l.fork && l.mode === 'conference')?.p50Ms ?? NaN;
  const latency = table(
    ['twilio-run', 'mode', 'requests (holds + resumes)', 'failed', 'p50 ms', 'p99 ms', 'mean ms', 'p50 / no-fork p50'],
    r.roundTrips.latency.map((l) => [
      l.fork ? 'forks a process per request (its default)' : '--no-fork-process (npm start)',
      l.mode,
      l.requests,
      l.failed,
      fix(l.p50Ms),
      fix(l.p99Ms),
      fix(l.meanMs),
      `${fix(l.p50Ms / noForkP50, 1)}x`,
    ]),
    numeric(2, 7),
  );
  return `## REST requests per hold and per resume

Counted in the emulator's log while the function serves one \`POST /hold\` or \`POST /unhold\`
(\`bench/hold-round-trip.ts\`): the built functions under the real twilio-run, the emulator as
Twilio, one request at a time, the emulator settled between requests, and the webhooks a request
sets off held back until it is answered (they are other functions' requests). "SIDs passed back": the
request carries the SID the previous answer returned (\`ConferenceSid\` in conference mode,
\`AgentCallSid\` in dial mode; where this run's answers did not carry it yet, it was read from the
emulator's state, which changes nothing in the count). The first hold of each call cannot have
them and is left out of that row. The floor is 1: a hold must change something at Twilio. The
REST requests counted are those of the Voice API (\`/2010-04-01\`); the console's call records (Twilio
Sync, docs/console.md) are counted apart, in the last column (medians).

${counts}

## End-to-end latency of a hold and a resume

The same requests, timed at the client from sending \`POST /hold\` or \`/unhold\` to the end of
the answer (the function's REST requests to the emulator included), on the same machine.
twilio-run either serves every request from its own process (\`--no-fork-process\`, what
\`npm start\` and the tests use) or forks a process per request (twilio-run's default).

${latency}
`;
}

function coldLoadSection(r: BenchResults): string {
  const c = r.coldLoad;
  const rows = c.functions.map((f) => {
    const target = f.kind === 'twiml-only' ? `<= ${TARGETS.twimlOnlyVsNode}x node -e 0` : `<= ${TARGETS.restVsTwilio}x require('twilio')`;
    const met = f.kind === 'twiml-only' ? f.vsNode <= TARGETS.twimlOnlyVsNode : f.vsTwilio <= TARGETS.restVsTwilio;
    return [
      f.name,
      f.kind === 'twiml-only' ? 'TwiML only' : 'REST',
      fix(f.load.cpuMs, 1),
      f.load.modules,
      f.withClient ? fix(f.withClient.cpuMs, 1) : '-',
      f.withClient ? f.withClient.modules : '-',
      `${fix(f.vsNode)}x`,
      `${fix(f.vsTwilio)}x`,
      `${target}: ${met ? 'met' : 'NOT met'}`,
      ...(c.before ? [f.beforeVsNode === undefined ? '-' : `${fix(f.beforeVsNode)}x`] : []),
    ];
  });
  const beforeHead = c.before ? ['before: load / node -e 0'] : [];
  const beforeText = c.before
    ? ` "before": the same function built from another checkout (\`${c.before}\`, given with --before), loaded in the same rounds.`
    : '';
  return `## Cold load of each built function

A fresh \`node\` process per measurement (\`bench/cold-load.ts\`) loads one built function
(\`dist/functions/*.js\`) and reports its own CPU time (user + system, node's start included) and
the modules it loaded. Side by side, in the same rounds (interleaved, ${c.runs} rounds after one
unrecorded round): \`node -e 0\` (node's own start: ${fix(c.node.cpuMs, 1)} ms CPU) and
\`require('twilio')\` (${fix(c.twilio.cpuMs, 1)} ms CPU, ${c.twilio.modules} modules), the cost every
function paid at load before TwiML was written without it (2.75-2.95x \`node -e 0\` for each of
the 12). A REST function now loads \`twilio\` only through \`context.getTwilioClient()\` on its
first request that needs a client ("+ client": the module, then \`require('twilio')\` and one
client, as the runtime's \`getTwilioClient\` does). Figures are medians; ratios are medians of the
per-round ratios.${beforeText}

${table(['function', 'kind', 'load: CPU ms', 'load: modules', '+ client: CPU ms', '+ client: modules', 'load / node -e 0', "(+ client) / require('twilio')", 'target', ...beforeHead], rows, numeric(2, 7))}

What this does not show: twilio-run's dev runtime itself requires \`twilio\` to build the global
\`Twilio\` object (\`@twilio/runtime-handler/dist/dev-runtime/route.js\`, \`constructGlobalScope\`), so
under twilio-run the process has it loaded whatever the function does. How Twilio's hosted runtime
builds that global is not public; the figure above is what the function itself adds.
`;
}

function handlerSection(r: BenchResults): string {
  const rows = r.handlers.map((h) => [
    h.name,
    int(h.ours.opsPerSec),
    fix(h.ours.p50Us, 1),
    fix(h.ours.p99Us, 1),
    int(h.baseline.opsPerSec),
    fix(h.baseline.p50Us, 1),
    fix(h.baseline.p99Us, 1),
    `${fix(h.speedup)}x`,
    h.sameTwiml ? 'yes' : 'NO',
  ]);
  const build = (r.twimlBuilding ?? []).map((b) => [
    b.name,
    int(b.ours.opsPerSec),
    fix(b.ours.p50Us, 1),
    fix(b.ours.p99Us, 1),
    int(b.baseline.opsPerSec),
    fix(b.baseline.p50Us, 1),
    fix(b.baseline.p99Us, 1),
    `${fix(b.speedup)}x`,
    b.sameTwiml ? 'yes' : 'NO',
  ]);
  return `## Handler time in-process (warm)

Each built TwiML function (\`dist/\`) is called as the runtime calls it (context, event, callback;
the served text taken from the \`Twilio.Response\`), with a signed webhook request, against the same
answer written the way Twilio's examples write a Function (\`require('twilio')\`,
\`new twilio.twiml.VoiceResponse()\`, \`callback(null, twiml)\`, then \`toString()\` as the runtime
does), \`bench/handler-time.ts\`. Both run in the same process, alternating in 10 blocks after a
warm-up; latency is per invocation. "same TwiML": both answers are the same text. Ours also checks
X-Twilio-Signature itself (an HMAC-SHA1 with node:crypto, lib/platform/webhook-handler.ts), which
the example does not (deployed, Twilio's runtime checks a protected function's requests).

${table(['function', 'ours: ops/s', 'ours: p50 us', 'ours: p99 us', 'Twilio-example: ops/s', 'p50 us', 'p99 us', 'ours / example (ops/s)', 'same TwiML'], rows, numeric(1, 7))}
${
  build.length
    ? `
Building the TwiML text alone (no handler, no signature check): \`lib/platform/twiml.ts\` against
\`VoiceResponse\`, the same document, same process, alternating blocks.

${table(['document', 'ours: ops/s', 'ours: p50 us', 'ours: p99 us', 'VoiceResponse: ops/s', 'p50 us', 'p99 us', 'ours / VoiceResponse (ops/s)', 'same TwiML'], build, numeric(1, 7))}
`
    : ''
}`;
}

function scaleSection(r: BenchResults): string {
  const rows = r.emulator
    .filter((x) => x.transport === 'functions')
    .map((x) => [
      x.mode ?? '-',
      int(x.calls),
      int(x.controlPerSec ?? 0),
      int(2 * 3 * x.calls),
      x.controlFailed ?? '-',
      x.lost ?? '-',
      `${pct(x.twilioRun?.elu)} / ${pct(x.twilioRun?.cpu)}`,
      `${pct(x.emulatorElu)} / ${pct(x.emulatorCpu)}`,
      int(x.twilioRun?.perSec ?? 0),
      int(x.webhooksPerSec + x.restPerSec),
      (x.twilioRun?.elu ?? 0) >= 0.9 && x.emulatorElu < 0.9
        ? 'twilio-run'
        : x.emulatorElu >= 0.9 && (x.twilioRun?.elu ?? 0) < 0.9
          ? 'emulator'
          : 'neither alone',
      Object.entries(x.webhookFailures ?? {})
        .map(([what, n]) => `${n} x ${what}`)
        .join('; ') || 'none',
    ]);
  return `## Scale: concurrent calls holding and resuming over HTTP

N inbound calls answered by the real functions (the built \`dist/\` under one twilio-run,
\`--no-fork-process\`), the agent answering after 2 s, then 3 rounds of \`POST /hold\` and
\`POST /unhold\` for every call, 64 in flight, sent from a separate driver process; the emulator
(virtual clock) plays Twilio in the benchmark's process. "Holds and resumes/s": answered
requests over the time spent sending them. A call is lost when its caller does not hear the agent
after the last resume. Busy = event-loop utilisation of the process's main thread (100% =
saturated), CPU = its CPU time over wall time; the saturated side is the bottleneck. Failed
webhooks are those the emulator gave up on as Twilio does (error 11200: no answer within 15 s of
real time, or not 2xx): with twilio-run saturated, a webhook can wait that long in its queue.

${table(['mode', 'calls', 'holds and resumes/s', 'requests', 'failed', 'calls lost', 'twilio-run busy / CPU', 'emulator busy / CPU', 'twilio-run req/s', 'emulator HTTP req/s', 'bottleneck', 'failed webhooks'], rows, numeric(1, 5))}
`;
}

function emulatorSection(r: BenchResults): string {
  const rows = r.emulator.filter((x) => x.transport !== 'functions');
  const both = (cpu: number | undefined, elu: number | undefined): string => (cpu === undefined ? '-' : `${pct(cpu)} / ${pct(elu)}`);
  const body = rows.map((x) => [
    x.transport,
    int(x.calls),
    fix(x.seconds),
    int(x.events),
    int(x.eventsPerSec),
    int(x.events / (x.emulatorCpu * x.seconds)),
    x.calls >= 1000 ? kib(x.bytesPerCall) : '(noise)',
    int(x.webhooksPerSec),
    int(x.restPerSec),
    both(x.emulatorCpu, x.emulatorElu),
    both(x.functionsCpu, x.functionsElu),
    x.capacity ? `${int(x.capacity.rate)} (${both(x.capacity.serverCpu, x.capacity.serverElu)})` : '-',
    x.functionsCpu ? `${fix(x.emulatorCpu / x.functionsCpu, 1)}x` : '-',
  ]);
  const verdicts = rows
    .filter((x) => x.transport === 'http')
    .map((x) => {
      const emuBusy = x.emulatorElu >= 0.9;
      const fnBusy = (x.functionsElu ?? 0) >= 0.9;
      const who =
        emuBusy && !fnBusy
          ? 'the emulator IS the bottleneck'
          : fnBusy && !emuBusy
            ? 'the emulator is not the bottleneck'
            : emuBusy && fnBusy
              ? 'both saturated'
              : 'neither saturated (latency bound)';
      return `- N = ${int(x.calls)}: ${who}: emulator ${pct(x.emulatorElu)} busy serving ${int(x.webhooksPerSec + x.restPerSec)} HTTP req/s, the minimal server's process ${pct(x.functionsElu)} busy; that server alone answered ${int(x.capacity?.rate ?? 0)} req/s.`;
    });
  return `## The emulator: in-process and over HTTP against a minimal webhook server

(Moved here from emulator/README.md.) N concurrent conference calls (caller by TwiML, agent by
REST), 3 hold/resume cycles each (a participant update with a TwiML holdUrl: one webhook per
hold), on the virtual clock (\`bench/emulator.ts\`). **in-process**: webhooks answered in the
emulator's process; the benchmark calls the engine directly (no REST). **http**: the functions
side runs in a separate process (\`bench/webhook-server.ts\`): a minimal webhook server (constant
TwiML, no signature check) plus the REST client that adds the agents and holds/resumes (64 in
flight on 64 keep-alive sockets); the emulator process runs only the emulator. "server alone": just
before each http run, the same webhook server driven directly with the bytes the emulator sends
(256 keep-alive sockets, a raw-socket load generator cheaper per request than the server), so the
figure is the server's own maximum. Events are entries of the emulator's event log; heap per call
is heapUsed after GC with all calls live, minus the baseline, over N (2 legs per call). "emulator
CPU / server CPU": CPU per exchange of the emulator against the functions process (every webhook
and REST request has one end in each).

${table(['transport', 'N', 'wall s', 'events', 'events/s', 'events/CPU-s', 'heap per call', 'webhooks/s', 'REST req/s', 'emulator CPU / busy', 'functions process CPU / busy', 'server alone req/s (CPU / busy)', 'emulator CPU / functions CPU'], body, numeric(1, 8))}

Over HTTP against the minimal server:
${verdicts.join('\n')}
`;
}

function profileSection(p: ProfileReport | undefined): string {
  if (!p) return '';
  const rows = p.categories.map((c) => [c.name, `${fix(c.share * 100, 1)}%`, fix(c.ms, 0)]);
  const top = p.functions.map((f) => [`\`${f.name}\``, f.where, `${fix(f.share * 100, 1)}%`]);
  return `## Where the emulator's CPU goes over HTTP (profile)

The emulator process sampled by V8's CPU profiler (node:inspector, the same profiler as
\`node --cpu-prof\`) during the http run at N = ${int(p.calls)} (${fix(p.seconds)} s, ${int(p.samples)} samples),
self time grouped by where the code lives (\`bench/profile.ts\`). Shares are of the non-idle samples.

${table(['where', 'share of busy samples', 'ms'], rows, numeric(1, 2))}

The ${top.length} functions with the most self time:

${table(['function', 'where', 'share'], top, numeric(2, 2))}
`;
}

function workerSection(r: BenchResults): string {
  const w = r.webhookWorker;
  if (!w) return '';
  const med = (xs: number[]): number => {
    const s2 = [...xs].sort((a, b) => a - b);
    return s2.length % 2 ? s2[(s2.length - 1) / 2] : (s2[s2.length / 2 - 1] + s2[s2.length / 2]) / 2;
  };
  const rate = (x: BenchRow): number => x.webhooksPerSec + x.restPerSec;
  const row = (name: string, xs: BenchRow[]): (string | number)[] => [
    name,
    xs.length,
    int(med(xs.map(rate))),
    `${int(Math.min(...xs.map(rate)))}-${int(Math.max(...xs.map(rate)))}`,
    pct(med(xs.map((x) => x.emulatorElu))),
    pct(med(xs.map((x) => x.emulatorCpu))),
    pct(med(xs.map((x) => x.functionsElu ?? 0))),
    int(med(xs.map((x) => (1e6 * x.emulatorCpu) / rate(x)))),
  ];
  const ratios = w.main.map((m, i) => rate(w.worker[i]) / rate(m));
  const busy = w.main.map((m, i) => w.worker[i].emulatorElu / m.emulatorElu);
  return `## More cores for the emulator: webhooks from a worker thread

The emulator's main thread runs the engine, the REST server and the webhook client. The webhook
client (building requests, the keep-alive pool, parsing answers: about a third of the emulator's
HTTP exchanges) can run on a worker thread (\`emulator/engine/webhook-worker.ts\`, Node's
\`worker_threads\`; the main thread posts one message per webhook and gets one back). The http run
at N = ${int(w.calls)}, with the webhooks sent from the main thread or from the worker, alternating
${w.main.length} times (\`compareWebhookWorker\` in \`bench/emulator.ts\`). Emulator CPU is the
process's (both threads); busy is the main thread's.

${table(['webhooks sent from', 'runs', 'emulator HTTP req/s (median)', 'range', 'main thread busy', 'emulator CPU (both threads)', 'minimal server process busy', 'emulator CPU us per exchange'], [row('the main thread', w.main), row('a worker thread', w.worker)], numeric(1, 7))}

Pair by pair (same position in the alternation), the worker's HTTP rate over the main thread's:
median ${fix(med(ratios))}x (range ${fix(Math.min(...ratios))}-${fix(Math.max(...ratios))}x); its main-thread busy over the main
thread's: median ${fix(med(busy))}x.
`;
}

/** Is the emulator the bottleneck against the minimal server at N = 1,000? */
function emulatorVerdictSection(r: BenchResults): string {
  const http = r.emulator.filter((x) => x.transport === 'http');
  const at = http.find((x) => x.calls === 1000) ?? http[http.length - 1];
  if (!at) return '';
  const rate = at.webhooksPerSec + at.restPerSec;
  const emuBusy = at.emulatorElu >= 0.9;
  const fnBusy = (at.functionsElu ?? 0) >= 0.9;
  const own = r.profile?.categories.filter((c) => c.name.startsWith('emulator')).reduce((a, c) => a + c.share, 0);
  const nodeHttp = r.profile?.categories.filter((c) => /^Node|^native|^V8/.test(c.name)).reduce((a, c) => a + c.share, 0);
  const gc = r.profile?.categories.find((c) => c.name === 'GC')?.share;
  const w = r.webhookWorker;
  const med = (xs: number[]): number => [...xs].sort((a, b) => a - b)[Math.floor(xs.length / 2)];
  const workerRate = w
    ? med(w.main.map((m, i) => (w.worker[i].webhooksPerSec + w.worker[i].restPerSec) / (m.webhooksPerSec + m.restPerSec)))
    : undefined;
  const workerBusy = w ? med(w.main.map((m, i) => w.worker[i].emulatorElu / m.emulatorElu)) : undefined;
  const lines = [
    `- **Measured** (http, N = ${int(at.calls)}): the emulator's main thread was ${pct(at.emulatorElu)} busy serving ${int(rate)} HTTP requests/s while the minimal server's process was ${pct(at.functionsElu)} busy, and that server alone answered ${int(at.capacity?.rate ?? 0)} requests/s; per exchange the emulator used ${fix(at.emulatorCpu / (at.functionsCpu ?? NaN), 1)}x the CPU of the server's process. ${emuBusy && !fnBusy ? 'So the emulator IS the bottleneck against the minimal server: the target is not met.' : !emuBusy ? 'So the emulator was not the saturated side in this run.' : 'Both were saturated.'}`,
  ];
  if (own !== undefined && nodeHttp !== undefined) {
    lines.push(
      `- **Why** (the profile above): the emulator's own code (engine, REST routing and formatting, OpenAPI check, TwiML parsing, signing) is ${pct(own)} of its busy time; Node's HTTP server and client, sockets, streams, timers and the native calls under them (the \`writev\` of each response among them) are ${pct(nodeHttp)}, GC ${pct(gc)}. The main thread does both ends of Node's HTTP for every exchange (REST server for the functions' requests, HTTP client for its webhooks) while the minimal server does one end of each with constant answers. Making the emulator's own code free would leave the main thread at roughly ${pct(1 - own)} of today's work.`,
    );
  }
  if (workerRate !== undefined && workerBusy !== undefined) {
    lines.push(
      `- **More cores** (the table above): sending the webhooks from a worker thread took the main thread's busy time to ${fix(workerBusy)}x, and the HTTP rate to ${fix(workerRate)}x (medians of pairs). On this 2-core machine, shared with the functions process and with other engineers' runs, the second thread competes for the same cores, so it ${workerRate > 1.1 ? 'paid in this run' : workerRate >= 0.95 ? 'did not pay measurably in this run' : 'cost throughput in this run (the messages between the threads cost more than the HTTP client work they moved)'}; it stays an opt-in transport.`,
    );
  }
  lines.push(
    "- **What it would take** (analysis, not measured): the REST server's HTTP work on worker threads too (node:cluster cannot share the engine, whose state is one process's memory; worker threads would each parse HTTP and hand the engine one message per request), which pays only with a core free for them: not on 2 cores where the functions server needs one. Or an HTTP stack cheaper per exchange than node:http (a native one such as uWebSockets.js: a new native dependency for a test tool). Against the real functions the emulator is far from the bottleneck (the scale table: twilio-run is the busy side), which is what the project's tests and `npm start` meet.",
  );
  return `## Is the emulator the bottleneck over HTTP?

${lines.join('\n')}
`;
}

/** Kept figures of bench/console-hour.ts (bench/console-hour.json), when there are some. */
export function consoleHourSection(): string {
  if (!existsSync(CONSOLE_HOUR_RESULTS)) return '';
  const kept = JSON.parse(readFileSync(CONSOLE_HOUR_RESULTS, 'utf8')) as ConsoleHourResults;
  return `## One open hold console, per hour

Measured by \`bench/console-hour.ts\` on ${kept.date} (\`${kept.command}\`; not re-run by
\`npm run bench\`: the long poll waits on the real clock, so it takes minutes; load average
${load(kept.loadBefore)} before, ${load(kept.loadAfter)} after). A client that behaves as the hold
console does reads \`GET /calls\` of the BUILT functions under twilio-run, against the emulator (which
logs every Sync request), in conference mode with one live call; the counts start after the page's
first read and are scaled to one hour. **Before**: a \`GET /calls\` 2 s after the previous answer.
**After**: the long poll, \`GET /calls?wait=8\` with \`If-None-Match\`, asked again as soon as it
answers (docs/console.md, "The long poll"). **Idle**: nothing changes. **Busy**: the call is held
or resumed every 10 s (\`POST /hold\`, \`/unhold\`, not counted); "changes seen" times each from
the answer of \`/hold\` or \`/unhold\` to the first list that shows it. Sync reads are the
console's: \`GET\` of the calls map and of its items list (not the webhooks' bookkeeping).

${renderConsoleHour(kept.figures)}

Invocations fall by the ratio of the wait to the old period when idle (8 s against 2 s: 4x), and
by less when busy: each change seen ends a wait early (one invocation per change). Sync reads do not
fall: the waiting function looks at the map's revision every 2 s, one Sync request each, which is
what keeps a change visible within 2 s, and a change seen costs that look plus the list (two
requests, where the old read every 2 s made one), so a busy console makes more; only a push (Twilio Sync's client SDK, whose "fanout of
state updates to an online subscriber doesn't count as a read", https://www.twilio.com/docs/sync/limits)
would remove them.
`;
}

function historySection(): string {
  return `## Earlier measurements (not re-run by this command)

Kept from emulator/README.md, where they were recorded before this report existed; each was
measured on the same kind of shared 2-core machine, with its own conditions as stated.

- Changes made from a CPU profile of the emulator (http, N = 1,000), each behaviour-preserving: the
  REST body is read with \`data\`/\`end\` listeners instead of the stream's async iterator
  (\`readBody\`: 1.3% of the profile to 0.4%); \`HttpWebhookTransport\` watches the 15-second abort
  signal itself instead of passing \`signal\` to \`http.request\` (\`ClientRequest\` 3.9% to 2.5%);
  SIDs draw random bytes 4 KiB at a time; \`rfc2822\` reuses the last formatted instant. The ratio of
  emulator CPU to functions-process CPU per exchange went from 3.6x to 3.2x in two profiled runs.
- Tried and not adopted: undici instead of \`node:http\` as the webhook client. Interleaved runs
  (8 pairs at N = 10,000, 12 at N = 1,000, load average 0.5-2.2): at N = 10,000 about +20% saturated
  HTTP rate and -16% emulator CPU per HTTP request (148 us against 177 us); at N = 1,000 no
  measurable difference; the emulator/functions CPU ratio per exchange unchanged (2.2-3.0x against
  2.3-2.8x). Not worth a new dependency (and Node >= 20.18.1).
- Lost calls under overload (this report's own earlier full run the same morning, load average
  7.7-12.4): dial mode at N = 1,000 lost 8 of 1,000 calls (the caller did not hear the agent after
  the last resume) while every \`/hold\` and \`/unhold\` was answered 200, with twilio-run 100% busy.
  A rerun of that size alone lost none, and one webhook failed there: \`POST /hold-queue-dequeued\`
  (the resume's \`<Queue url>\`) with 11200. The failed-webhooks column of the scale table was added
  to show such failures; the cause of the 8 losses was not pinned down.
- A later full run (08:59, load average 2.9-5.5, before the fix below) lost 1 of 1,000 calls in dial
  mode, with webhooks failing on "socket hang up" and ECONNRESET (\`/agent-hold-loop\`,
  \`/hold-queue-ended\`, \`/agent-dial-ended\`; in conference mode \`/hold-music\` and
  \`/conference-status\`): the emulator reused kept-alive sockets that twilio-run (5-second keep-alive
  timeout) was closing. \`HttpWebhookTransport\` now sends such a request once more on a fresh socket
  (tests/emulator/webhook-stale-socket.test.ts); this report's run has that fix.
- The REST responses' \`writev\` is probably the loopback itself: a socket write on loopback runs the
  receiver's TCP path inside the sender's system call (not verified with a kernel profiler: no
  \`perf\` here).
`;
}

function deploySection(r: BenchResults): string {
  const d = r.deploy;
  const files = [
    ...d.functions.map((f) => ['function', `dist/functions/${f.name}`, int(f.bytes)]),
    ...d.assets.map((f) => ['asset', `dist/assets/${f.name}`, int(f.bytes)]),
  ];
  const total = (xs: { bytes: number }[]): number => xs.reduce((a, f) => a + f.bytes, 0);
  return `## Deploy size

What \`twilio-run deploy\` uploads (\`dist/\`; each function bundles the lib/ code it uses, npm
packages stay external) and what Twilio installs for it from package.json (\`bench/deploy-size.ts\`).

${table(['kind', 'file', 'bytes'], [...files, ['**all functions**', '', int(total(d.functions))], ['**all assets**', '', int(total(d.assets))]], numeric(2, 2))}

Production dependencies, as installed by npm here: ${d.dependencies.map((x) => `\`${x.name}\` ${int(x.bytes)} bytes of its own`).join(', ')};
with everything they depend on, ${d.packages} packages, ${int(d.packagesBytes)} bytes.
`;
}

export function renderReport(r: BenchResults): string {
  const m = r.machine;
  return `# Benchmarks

Written by \`npm run bench\` (\`bench/run.ts\`) on ${r.date}${r.quick ? ' with --quick (small sizes: a smoke run, not figures to quote)' : ''}; the run took ${int(r.seconds)} s.
Every figure below was measured in that one run; every comparison is a ratio of two things
measured side by side in it.

**Conditions.** ${m.cpus}, ${m.memory} RAM, ${m.os}, Node ${m.node}. The machine was shared with
other engineers' test runs during this run (load average 1/5/15 min: ${load(m.loadBefore)} before,
${load(m.loadAfter)} after), so absolute times are approximate; the ratios, each of two things
measured side by side, are the steadier figures.

## Headline figures

${headlines(r)
  .map((h) => `- ${h}`)
  .join('\n')}

## How to reproduce

\`\`\`sh
npm ci
npm run build
npm run bench                 # everything, writes BENCHMARKS.md (several minutes)
npm run bench -- --quick --out=/tmp/bench.md   # small sizes, a smoke run (BENCH_SMOKE=1 npx jest tests/bench checks it)
npm run bench -- --only=emulator --transport=http 1000   # one part; see bench/run.ts for the options
\`\`\`

The command of this run: \`${r.command}\`.

${roundTripSection(r)}
${coldLoadSection(r)}
${handlerSection(r)}
${scaleSection(r)}
${emulatorSection(r)}
${profileSection(r.profile)}
${workerSection(r)}
${emulatorVerdictSection(r)}
${deploySection(r)}
${consoleHourSection()}
${historySection()}
${bundleSizeSection()}`;
}

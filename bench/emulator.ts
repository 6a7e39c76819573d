// The emulator benchmark: N concurrent conference calls (caller by TwiML, agent by REST), each
// doing hold/resume cycles on the virtual clock. Measures engine events per second, heap per live
// call and the emulator's CPU use, with webhooks answered in-process (WebhookTransport) and over
// real HTTP. Over HTTP the functions side (webhook server + the REST client that holds and resumes)
// runs in its own process (webhook-server.ts), so the emulator process's CPU time and
// event-loop utilisation say whether the emulator is the bottleneck; the webhook server's own rate
// is measured by driving it directly with the bytes the emulator sends (a cheap raw-socket load
// generator with the emulator's 256 keep-alive sockets), so the generator cannot be what limits it.
// Run with node --expose-gc (bench/run.ts does) so heap figures are after a full GC.
import { fork, type ChildProcess } from 'node:child_process';
import { existsSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import net from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { performance } from 'node:perf_hooks';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { answer, type FunctionsCommand, type FunctionsReply, type FunctionsStats } from './emulator-functions';
import { WorkerWebhookTransport } from '../emulator/engine/webhook-worker';
import { freePort, startFunctionsServer, type FunctionsServer } from '../harness/functions-server';
import {
  DEFAULT_AUTH_TOKEN,
  startEmulator,
  type Emulator,
  type EmulatorOptions,
  type WebhookRequest,
  type WebhookResponse,
  type WebhookTransport,
} from '../emulator';

export const BUSINESS = '+15550100000';
export const AGENT = '+15550100001';
const CYCLES = 3;
/** REST requests in flight from the functions process (its keep-alive pool has as many sockets). */
const REST_WIDTH = 64;
/** The emulator's HttpWebhookTransport pools 256 keep-alive sockets per protocol. */
const WEBHOOK_WIDTH = 256;
/** Event-loop utilisation above which a process's main thread counts as saturated. */
const SATURATED = 0.9;
/** Calls in the unreported warm-up run before each transport's measured runs. */
const WARM_UP = 1000;

export interface ServerCapacity {
  /** Requests/s the webhook server answered when driven directly. */
  rate: number;
  /** The webhook server process's CPU over the measurement, fraction of one core. */
  serverCpu: number;
  /** The webhook server's event-loop utilisation (main thread busy), 0..1. */
  serverElu: number;
  /** The load generator's (benchmark process's) CPU, fraction of one core. */
  generatorCpu: number;
}

export interface BenchRow {
  transport: 'in-process' | 'http' | 'functions';
  calls: number;
  seconds: number;
  events: number;
  eventsPerSec: number;
  bytesPerCall: number;
  webhooks: number;
  webhooksPerSec: number;
  restRequests: number;
  restPerSec: number;
  /** The emulator process's CPU time over the measured wall time, fraction of one core. */
  emulatorCpu: number;
  /** The emulator process's event-loop utilisation (main thread busy), 0..1. */
  emulatorElu: number;
  /** HTTP only: the functions process (webhook server + REST client), fraction of one core. */
  functionsCpu?: number;
  functionsElu?: number;
  /** HTTP only: TCP connections the webhook server accepted during the run. */
  webhookConnections?: number;
  /** HTTP only: the webhook server alone, measured just before the run. */
  capacity?: ServerCapacity;
  /** functions only: the real functions under twilio-run (requests it served, its CPU and busy). */
  twilioRun?: { requests: number; perSec: number; cpu: number; elu: number; controlRequests: number };
  /** functions only: HOLD_MODE of the functions. */
  mode?: 'conference' | 'dial';
  /** functions only: /hold and /unhold answers other than 200. */
  controlFailed?: number;
  /** functions only: calls whose caller does not hear the agent after the last resume (must be 0). */
  lost?: number;
  /** functions only: hold and resume requests answered per second during the cycles. */
  controlPerSec?: number;
  /** functions only: failed webhooks by method, path, purpose and error. */
  webhookFailures?: Record<string, number>;
}

/** One request of each kind as the emulator really sends it (captured in-process). */
const samples = new Map<string, WebhookRequest>();

class InProcessTransport implements WebhookTransport {
  count = 0;
  async send(request: WebhookRequest): Promise<WebhookResponse> {
    this.count++;
    if (samples.size < 2) {
      const { pathname } = new URL(request.url);
      if (!samples.has(pathname)) samples.set(pathname, request);
    }
    const params = request.method === 'GET' ? Object.fromEntries(new URL(request.url).searchParams) : request.params;
    return answer(request.url, params);
  }
}

/** Omit distributed over a union. */
type WithoutId<C> = C extends unknown ? Omit<C, 'id'> : never;

/** The functions process: webhook server + REST client, driven over IPC. */
export class FunctionsProcess {
  private nextId = 1;
  private readonly pending = new Map<number, { resolve: (s: FunctionsStats) => void; reject: (e: Error) => void }>();

  private constructor(
    private readonly child: ChildProcess,
    readonly url: string,
  ) {
    child.on('message', (m: FunctionsReply) => {
      if (m.type === 'ready') return;
      const p = this.pending.get(m.id);
      this.pending.delete(m.id);
      if (m.type === 'ok') p?.resolve(m.stats);
      else p?.reject(new Error(`functions process: ${m.message}`));
    });
  }

  static start(): Promise<FunctionsProcess> {
    const child = fork(path.join(__dirname, 'webhook-server.ts'), [], {
      execArgv: ['--import', 'tsx'],
      cwd: path.join(__dirname, '..'),
      stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
    });
    return new Promise((resolve, reject) => {
      child.once('error', reject);
      child.once('exit', (code) => reject(new Error(`functions process exited early (${code})`)));
      child.once('message', (m: FunctionsReply) => {
        if (m.type === 'ready') resolve(new FunctionsProcess(child, m.url));
      });
    });
  }

  command(cmd: WithoutId<FunctionsCommand>): Promise<FunctionsStats> {
    const id = this.nextId++;
    return new Promise((resolve, reject) => {
      this.pending.set(id, { resolve, reject });
      this.child.send({ ...cmd, id } as FunctionsCommand);
    });
  }

  stats(): Promise<FunctionsStats> {
    return this.command({ type: 'stats' });
  }

  close(): Promise<void> {
    return new Promise((resolve) => {
      this.child.once('exit', () => resolve());
      this.child.disconnect();
    });
  }
}

/** After the last resume every call must still have both legs, talking to each other. */
function expectAllCallsResumed(emu: Emulator, calls: number, aCaller: string): void {
  const live = emu.engine.liveCallCount();
  if (live !== 2 * calls) throw new Error(`expected ${2 * calls} live calls, found ${live}`);
  const heard = emu.hears(aCaller);
  if (heard?.kind !== 'party') throw new Error(`caller should hear the agent after resume, hears ${JSON.stringify(heard)}`);
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

function cpuMicros(): number {
  const u = process.cpuUsage();
  return u.user + u.system;
}

/** Wall time, CPU time and event-loop use of this process and the functions process, over measured segments. */
class Meter {
  seconds = 0;
  cpuSeconds = 0;
  eluActive = 0;
  eluIdle = 0;
  fnCpuSeconds = 0;
  fnEluActive = 0;
  fnEluIdle = 0;
  first: FunctionsStats | undefined;
  last: FunctionsStats | undefined;
  private t = 0n;
  private cpu = 0;
  private elu = performance.eventLoopUtilization();
  private fn: FunctionsStats | undefined;

  constructor(private readonly functions?: FunctionsProcess) {}

  async start(): Promise<void> {
    this.fn = await this.functions?.stats();
    this.first ??= this.fn;
    this.cpu = cpuMicros();
    this.elu = performance.eventLoopUtilization();
    this.t = process.hrtime.bigint();
  }

  async stop(): Promise<void> {
    this.seconds += Number(process.hrtime.bigint() - this.t) / 1e9;
    this.cpuSeconds += (cpuMicros() - this.cpu) / 1e6;
    const elu = performance.eventLoopUtilization(this.elu);
    this.eluActive += elu.active;
    this.eluIdle += elu.idle;
    const fn = await this.functions?.stats();
    if (fn && this.fn) {
      this.fnCpuSeconds += (fn.cpuMicros - this.fn.cpuMicros) / 1e6;
      this.fnEluActive += fn.eluActive - this.fn.eluActive;
      this.fnEluIdle += fn.eluIdle - this.fn.eluIdle;
    }
    this.last = fn;
  }
}

/**
 * measureHeap: false leaves out the forced GCs of the heap figure (for a CPU profile of the run).
 * webhookWorker: over HTTP, send the webhooks from a worker thread (WorkerWebhookTransport).
 */
export async function benchOnce(
  calls: number,
  transport: 'in-process' | 'http',
  functions?: FunctionsProcess,
  measureHeap = true,
  webhookWorker = false,
): Promise<BenchRow> {
  if (transport === 'http' && !functions) throw new Error('the http benchmark needs the functions process');
  const inProcess = new InProcessTransport();
  const worker = transport === 'http' && webhookWorker ? new WorkerWebhookTransport() : undefined;
  const base = transport === 'http' ? functions!.url : 'http://functions.bench';
  const emu = await startEmulator({
    clock: 'virtual',
    logLimit: 0,
    callsPerSecond: 0,
    numbers: [{ phoneNumber: BUSINESS, voiceUrl: `${base}/incoming` }],
    defaultParty: { behavior: 'answer', afterMs: 1000 },
    webhookTransport: transport === 'in-process' ? inProcess : worker,
  });
  const { engine } = emu;
  const meter = new Meter(functions);
  let restRequests = 0;
  const restRound = async (round: 'participants' | 'hold' | 'resume'): Promise<void> => {
    await functions!.command({ type: 'rest', round, holdUrl: `${base}/hold`, width: REST_WIDTH });
    restRequests += calls;
  };

  const heap0 = measureHeap ? heapAfterGc() : 0;
  const events0 = engine.log.total;
  await meter.start();

  const callers: string[] = [];
  for (let i = 0; i < calls; i++) callers.push(engine.placeInboundCall(`+1555${String(1_000_000 + i)}`, BUSINESS));
  await engine.settle();
  const confSids = callers.map((sid) => engine.conferences.seatOf(sid)!.conf.sid);
  const participantSpec = {
    from: BUSINESS,
    to: AGENT,
    timeoutSec: 60,
    statusCallbackMethod: 'POST' as const,
    statusCallbackEvents: [],
    startConferenceOnEnter: true,
    endConferenceOnExit: false,
    muted: false,
    beep: 'true',
    hold: false,
    holdMethod: 'GET' as const,
    waitMethod: 'POST' as const,
    coaching: false,
    conferenceStatusCallbackMethod: 'POST' as const,
    conferenceStatusCallbackEvents: [],
  };
  if (transport === 'in-process') {
    for (const sid of confSids) engine.conferences.createParticipant(sid, participantSpec);
  } else {
    await functions!.command({
      type: 'calls',
      emulatorUrl: emu.url,
      accountSid: emu.accountSid,
      authToken: emu.authToken,
      confSids,
      callerSids: callers,
    });
    await restRound('participants');
  }
  await engine.advance(1000);
  // The forced GC for the heap figure is left out of wall and CPU time.
  await meter.stop();
  const bytesPerCall = measureHeap ? (heapAfterGc() - heap0) / calls : NaN;
  await meter.start();

  for (let c = 0; c < CYCLES; c++) {
    for (const hold of [true, false]) {
      if (transport === 'in-process') {
        for (let i = 0; i < calls; i++)
          engine.conferences.updateParticipant(confSids[i], callers[i], { hold, holdUrl: hold ? `${base}/hold` : undefined });
      } else {
        await restRound(hold ? 'hold' : 'resume');
      }
      await engine.advance(1000);
    }
  }
  await meter.stop();
  if (transport === 'http') await functions!.command({ type: 'done-calls' });
  expectAllCallsResumed(emu, calls, callers[0]);
  const events = engine.log.total - events0;
  await emu.close();
  await worker?.close();
  const { seconds } = meter;
  const http = transport === 'http' ? { first: meter.first!, last: meter.last! } : undefined;
  const webhooks = http ? http.last.webhooks - http.first.webhooks : inProcess.count;
  if (http && http.last.restRequests - http.first.restRequests !== restRequests) throw new Error('REST request count mismatch');
  return {
    transport,
    calls,
    seconds,
    events,
    eventsPerSec: events / seconds,
    bytesPerCall,
    webhooks,
    webhooksPerSec: webhooks / seconds,
    restRequests,
    restPerSec: restRequests / seconds,
    emulatorCpu: meter.cpuSeconds / seconds,
    emulatorElu: meter.eluActive / (meter.eluActive + meter.eluIdle),
    functionsCpu: http ? meter.fnCpuSeconds / seconds : undefined,
    functionsElu: http ? meter.fnEluActive / (meter.fnEluActive + meter.fnEluIdle) : undefined,
    webhookConnections: http ? http.last.connections - http.first.connections : undefined,
  };
}

/**
 * The exact bytes the emulator's HttpWebhookTransport puts on the wire for `s` (a captured request),
 * re-signed for the webhook server's URL: method, path and query, Twilio's headers, form body.
 */
function wireRequest(s: WebhookRequest, base: string): Buffer {
  const u = new URL(s.url);
  const url = base + u.pathname + u.search;
  const body = s.method === 'POST' ? new URLSearchParams(s.params).toString() : '';
  const headers: Record<string, string> = {
    ...s.headers,
    'X-Twilio-Signature': getExpectedTwilioSignature(DEFAULT_AUTH_TOKEN, url, s.params),
  };
  if (s.method === 'POST') headers['Content-Length'] = String(Buffer.byteLength(body));
  headers.Host = new URL(base).host;
  headers.Connection = 'keep-alive';
  const head = `${s.method} ${u.pathname}${u.search} HTTP/1.1\r\n${Object.entries(headers)
    .map(([k, v]) => `${k}: ${v}\r\n`)
    .join('')}\r\n`;
  return Buffer.from(head + body, 'utf8');
}

/**
 * A load generator much cheaper per request than Node's HTTP client, so that it can saturate the
 * webhook server: `width` keep-alive sockets, one request in flight on each (as the emulator's
 * pool), pre-encoded requests, responses framed by Content-Length. Returns the responses counted.
 */
function rawLoad(base: string, requests: Buffer[], width: number, ms: number): Promise<number> {
  const { hostname, port } = new URL(base);
  const until = Date.now() + ms;
  let n = 0;
  return Promise.all(
    Array.from(
      { length: width },
      (_, k) =>
        new Promise<void>((resolve, reject) => {
          const socket = net.connect(Number(port), hostname);
          socket.setNoDelay(true);
          let buf: Buffer = Buffer.alloc(0);
          let i = k;
          const next = (): void => {
            if (Date.now() >= until) socket.end();
            else socket.write(requests[i++ % requests.length]);
          };
          socket.on('connect', next);
          socket.on('error', reject);
          // Resolved once closed, so no socket is left over to skew the next heap baseline.
          socket.on('close', () => resolve());
          socket.on('data', (d: Buffer) => {
            buf = buf.length ? Buffer.concat([buf, d]) : d;
            for (;;) {
              const end = buf.indexOf('\r\n\r\n');
              if (end < 0) return;
              const head = buf.toString('latin1', 0, end);
              const length = /\r\ncontent-length: *(\d+)/i.exec(head);
              if (!head.startsWith('HTTP/1.1 200 ') || !length) {
                socket.destroy();
                reject(new Error(`webhook server answered: ${head.split('\r\n')[0]}`));
                return;
              }
              const total = end + 4 + Number(length[1]);
              if (buf.length < total) return;
              buf = buf.subarray(total);
              n++;
              next();
            }
          });
        }),
    ),
  ).then(() => n);
}

/**
 * The webhook server's own capacity: the emulator's real webhook requests (1 incoming POST with a
 * signed form body : 3 signed hold GETs, as in the benchmark) with WEBHOOK_WIDTH in flight on as
 * many keep-alive sockets (the emulator's HttpWebhookTransport pool), after a short warm-up.
 */
export async function webhookServerCapacity(functions: FunctionsProcess, ms = 2500): Promise<ServerCapacity> {
  if (!samples.has('/incoming') || !samples.has('/hold')) await benchOnce(2, 'in-process');
  const requests = ['/incoming', '/hold', '/hold', '/hold'].map((p) => wireRequest(samples.get(p)!, functions.url));
  await rawLoad(functions.url, requests, WEBHOOK_WIDTH, 500);
  const s0 = await functions.stats();
  const cpu0 = cpuMicros();
  const t0 = process.hrtime.bigint();
  const n = await rawLoad(functions.url, requests, WEBHOOK_WIDTH, ms);
  const seconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const cpu = (cpuMicros() - cpu0) / 1e6;
  const s1 = await functions.stats();
  if (s1.webhooks - s0.webhooks !== n) throw new Error(`webhook count mismatch: server ${s1.webhooks - s0.webhooks}, client ${n}`);
  const active = s1.eluActive - s0.eluActive;
  return {
    rate: n / seconds,
    serverCpu: (s1.cpuMicros - s0.cpuMicros) / 1e6 / seconds,
    serverElu: active / (active + s1.eluIdle - s0.eluIdle),
    generatorCpu: cpu / seconds,
  };
}

// ---- the real functions under twilio-run ---------------------------------------------------------

const ROOT = path.join(__dirname, '..');
/** twilio-run's getTwilioClient() refuses credentials that do not look like Twilio's own. */
export const FN_ACCOUNT_SID = 'AC' + 'be4c'.repeat(8);
export const FN_AUTH_TOKEN = 'be4c'.repeat(8);
export const HOLD_API_TOKEN = 'bench-hold-api-token-0123456789';
export const AGENT_ANSWERS_AFTER_MS = 2000;

/**
 * Loaded into twilio-run with -r: counts the requests its HTTP server handles and answers
 * GET http://127.0.0.1:$BENCH_STATS_PORT/ with its CPU time and event-loop utilisation, so the
 * benchmark can read twilio-run's own figures without changing it.
 */
const STATS_PRELOAD = `
// twilio-run's forked per-request runners inherit this preload; only twilio-run itself counts.
if (!process.send) {
const http = require('node:http');
const { performance } = require('node:perf_hooks');
let requests = 0;
let stats;
const emit = http.Server.prototype.emit;
http.Server.prototype.emit = function (event, ...args) {
  if (event === 'request' && this !== stats) requests++;
  return emit.call(this, event, ...args);
};
stats = http.createServer((req, res) => {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  res.end(JSON.stringify({ requests, cpuMicros: cpu.user + cpu.system, eluActive: elu.active, eluIdle: elu.idle }));
});
stats.listen(Number(process.env.BENCH_STATS_PORT), '127.0.0.1');
stats.unref();
}
`;

interface TwilioRunStats {
  requests: number;
  cpuMicros: number;
  eluActive: number;
  eluIdle: number;
}

/** The emulator as Twilio for the built functions under `tr`: on the port they call, its number answered by /incoming-call. */
export function startEmulatorFor(tr: TwilioRun, options: EmulatorOptions = {}): Promise<Emulator> {
  return startEmulator({
    accountSid: FN_ACCOUNT_SID,
    authToken: FN_AUTH_TOKEN,
    port: tr.emulatorPort,
    clock: 'virtual',
    logLimit: 0,
    callsPerSecond: 0,
    numbers: [{ phoneNumber: BUSINESS, voiceUrl: `${tr.url}/incoming-call`, voiceMethod: 'POST' }],
    defaultParty: { behavior: 'answer', afterMs: AGENT_ANSWERS_AFTER_MS },
    ...options,
  });
}

export interface TwilioRunOptions {
  mode?: 'conference' | 'dial';
  /** twilio-run's default: a forked process per request (npm start used to serve this way). */
  fork?: boolean;
}

/** The BUILT functions (dist/) served by the real twilio-run (harness/functions-server.ts), with its counters. */
export class TwilioRun {
  private constructor(
    private readonly server: FunctionsServer,
    private readonly dir: string,
    readonly url: string,
    private readonly statsUrl: string,
    readonly emulatorPort: number,
    readonly mode: 'conference' | 'dial',
  ) {}

  static async start({ mode = 'conference', fork = false }: TwilioRunOptions = {}): Promise<TwilioRun> {
    if (!existsSync(path.join(ROOT, 'dist', 'functions', 'hold.js')))
      throw new Error('the functions benchmark serves dist/: run npm run build first');
    const [port, statsPort, emulatorPort] = [await freePort(), await freePort(), await freePort()];
    const dir = mkdtempSync(path.join(tmpdir(), 'bench-twilio-run-'));
    writeFileSync(path.join(dir, 'preload.cjs'), STATS_PRELOAD);
    // The emulator of every run listens on emulatorPort: twilio-run's TWILIO_API_BASE_URL is fixed.
    const env = {
      ACCOUNT_SID: FN_ACCOUNT_SID,
      AUTH_TOKEN: FN_AUTH_TOKEN,
      TWILIO_API_BASE_URL: `http://127.0.0.1:${emulatorPort}`,
      AGENT_NUMBER: AGENT,
      HOLD_MODE: mode,
      HOLD_API_TOKEN,
      // The figures are of holds and resumes: the agent is connected on answer, unscreened, and the
      // one agent address takes every concurrent caller (no line of waiting callers, docs/line.md).
      AGENT_SCREENING: 'off',
      LINE_MAX_WAIT_SECONDS: '0',
    };
    try {
      // twilio-run logs every request: only its errors are kept.
      const server = await startFunctionsServer(env, port, {
        forkPerRequest: fork,
        nodeArgs: ['--require', path.join(dir, 'preload.cjs')],
        env: { BENCH_STATS_PORT: String(statsPort) },
        output: 'stderr',
      });
      return new TwilioRun(server, dir, `http://127.0.0.1:${port}`, `http://127.0.0.1:${statsPort}/`, emulatorPort, mode);
    } catch (error) {
      rmSync(dir, { recursive: true, force: true });
      throw error;
    }
  }

  async stats(): Promise<TwilioRunStats> {
    return (await (await fetch(this.statsUrl)).json()) as TwilioRunStats;
  }

  async stop(): Promise<void> {
    await this.server.stop();
    rmSync(this.dir, { recursive: true, force: true });
  }
}

/**
 * N inbound calls answered by the real functions in conference mode (incoming-call puts the caller
 * in a conference and adds the agent by REST; the agent answers after 2 s), then CYCLES rounds of
 * POST /hold and POST /unhold per call (Bearer token, CallSid), sent by the driver process
 * (webhook-server.ts, REST_WIDTH in flight), so that the emulator process runs only the
 * emulator. Everything between the emulator and twilio-run is real HTTP.
 */
export async function benchFunctions(calls: number, driver: FunctionsProcess, tr: TwilioRun): Promise<BenchRow> {
  const emu = await startEmulatorFor(tr);
  const { engine } = emu;
  // The log keeps nothing (logLimit 0); count webhooks (incl. status callbacks) and REST requests as they pass.
  const counts = { webhook: 0, rest: 0 };
  // Webhooks that failed (Twilio's 11200: no answer within 15 s, or not 2xx), by what failed:
  // what explains a lost call when every /hold and /unhold was answered 200.
  const webhookFailures = new Map<string, number>();
  const add = engine.log.add.bind(engine.log);
  engine.log.add = (type, summary, ...rest) => {
    if (type === 'webhook' || type === 'rest') counts[type]++;
    if (type === 'webhook' && summary.includes('-> error')) {
      const what = summary.replace(/^(\w+) \S+?\/\/[^/]+(\/[^?\s]*)\S* (\(.*?\)) -> error (.*)$/, '$1 $2 $3: $4');
      webhookFailures.set(what, (webhookFailures.get(what) ?? 0) + 1);
    }
    add(type, summary, ...rest);
  };
  const meter = new Meter(driver);
  const heap0 = heapAfterGc();
  const events0 = engine.log.total;
  const tr0 = await tr.stats();
  await meter.start();
  const callers: string[] = [];
  for (let i = 0; i < calls; i++) callers.push(engine.placeInboundCall(`+1555${String(1_000_000 + i)}`, BUSINESS));
  await engine.settle();
  await engine.advance(AGENT_ANSWERS_AFTER_MS);
  await meter.stop();
  const bytesPerCall = (heapAfterGc() - heap0) / calls;
  await meter.start();
  let controlSeconds = 0;
  for (let c = 0; c < CYCLES; c++) {
    for (const action of ['hold', 'unhold']) {
      const t0 = process.hrtime.bigint();
      await driver.command({ type: 'control', url: `${tr.url}/${action}`, token: HOLD_API_TOKEN, callSids: callers, width: REST_WIDTH });
      controlSeconds += Number(process.hrtime.bigint() - t0) / 1e9;
      await engine.advance(1000);
    }
  }
  await meter.stop();
  const tr1 = await tr.stats();
  const lost = callers.filter((sid) => emu.hears(sid)?.kind !== 'party').length;
  const controlFailed = meter.last!.controlFailed - meter.first!.controlFailed;
  const events = engine.log.total - events0;
  await emu.close();
  const { seconds } = meter;
  const controlRequests = 2 * CYCLES * calls;
  // twilio-run's figures span the whole run including the forced GC above (this process only).
  const trActive = tr1.eluActive - tr0.eluActive;
  return {
    transport: 'functions',
    calls,
    seconds,
    events,
    eventsPerSec: events / seconds,
    bytesPerCall,
    webhooks: counts.webhook,
    webhooksPerSec: counts.webhook / seconds,
    restRequests: counts.rest,
    restPerSec: counts.rest / seconds,
    emulatorCpu: meter.cpuSeconds / seconds,
    emulatorElu: meter.eluActive / (meter.eluActive + meter.eluIdle),
    functionsCpu: meter.fnCpuSeconds / seconds,
    functionsElu: meter.fnEluActive / (meter.fnEluActive + meter.fnEluIdle),
    twilioRun: {
      requests: tr1.requests - tr0.requests,
      perSec: (tr1.requests - tr0.requests) / seconds,
      controlRequests,
      cpu: (tr1.cpuMicros - tr0.cpuMicros) / 1e6 / seconds,
      elu: trActive / (trActive + tr1.eluIdle - tr0.eluIdle),
    },
    mode: tr.mode,
    lost,
    controlFailed,
    controlPerSec: controlRequests / controlSeconds,
    webhookFailures: Object.fromEntries(webhookFailures),
  };
}

const pct = (f: number | undefined): string => (f === undefined ? '-' : `${Math.round(f * 100)}%`);
const int = (x: number): string => Math.round(x).toLocaleString('en-US');

function verdict(r: BenchRow): string {
  if (r.transport === 'functions') {
    const t = r.twilioRun!;
    const emuBusy = r.emulatorElu >= SATURATED;
    const trBusy = t.elu >= SATURATED;
    const head =
      trBusy && !emuBusy
        ? 'emulator not the bottleneck (twilio-run is saturated, the emulator waits on it)'
        : emuBusy && !trBusy
          ? 'emulator IS the bottleneck (its main thread is saturated, twilio-run has headroom)'
          : emuBusy && trBusy
            ? 'both saturated (2 cores): neither has headroom'
            : 'neither saturated: round-trip latency bound';
    return (
      `N=${int(r.calls)} functions (twilio-run): ${head}: emulator ${pct(r.emulatorElu)} busy (CPU ${pct(r.emulatorCpu)}) serving ` +
      `${int(r.webhooksPerSec + r.restPerSec)} HTTP req/s (${int(r.webhooksPerSec)} webhooks out + ${int(r.restPerSec)} REST in); ` +
      `twilio-run ${pct(t.elu)} busy (CPU ${pct(t.cpu)}) serving ${int(t.perSec)} req/s (webhooks + ${int(t.controlRequests)} /hold and /unhold); ` +
      `driver (the /hold client) CPU ${pct(r.functionsCpu)}; per emulator HTTP exchange: emulator ${int((1e6 * r.emulatorCpu) / (r.webhooksPerSec + r.restPerSec))} us CPU, ` +
      `twilio-run ${int((1e6 * t.cpu) / t.perSec)} us CPU per request it served`
    );
  }
  if (r.transport === 'in-process') {
    return (
      `N=${int(r.calls)} in-process: ${int(r.eventsPerSec)} events/s (target >= 50,000: ${r.eventsPerSec >= 50_000 ? 'met' : 'NOT met'}), ` +
      `emulator main thread ${pct(r.emulatorElu)} busy, CPU ${pct(r.emulatorCpu)}` +
      (r.emulatorCpu < 0.8 * r.emulatorElu ? ' (busy but little CPU: the machine was contended)' : '')
    );
  }
  const cap = r.capacity!;
  const emuBusy = r.emulatorElu >= SATURATED;
  const fnBusy = (r.functionsElu ?? 0) >= SATURATED;
  const head =
    emuBusy && !fnBusy
      ? 'emulator IS the bottleneck (its main thread is saturated, the functions process has headroom)'
      : fnBusy && !emuBusy
        ? 'emulator not the bottleneck (the functions process is saturated, the emulator waits on it)'
        : emuBusy && fnBusy
          ? 'both processes saturated (2 cores): neither has headroom'
          : 'neither process saturated: round-trip latency bound';
  return (
    `N=${int(r.calls)} http: ${head}: emulator ${pct(r.emulatorElu)} busy (CPU ${pct(r.emulatorCpu)}), ` +
    `functions process ${pct(r.functionsElu)} busy (CPU ${pct(r.functionsCpu)}); emulator served ${int(r.webhooksPerSec + r.restPerSec)} HTTP req/s ` +
    `(${int(r.webhooksPerSec)} webhooks out + ${int(r.restPerSec)} REST in); the webhook server alone answered ${int(cap.rate)} req/s ` +
    `at ${pct(cap.serverElu)} busy (CPU ${pct(cap.serverCpu)})` +
    `; per exchange the emulator used ${(r.emulatorCpu / r.functionsCpu!).toFixed(1)}x the CPU of the functions process` +
    (r.emulatorCpu < 0.8 * r.emulatorElu ? '; note: the emulator was busy but got little CPU, i.e. the machine was contended' : '')
  );
}

export interface WorkerComparison {
  calls: number;
  /** One row per run, alternating: main thread, worker, main thread, worker, ... */
  main: BenchRow[];
  worker: BenchRow[];
}

/**
 * Does a second core pay for the emulator's HTTP? The http run at `calls`, webhooks sent from the
 * main thread or from a worker thread (WorkerWebhookTransport), alternating `pairs` times so
 * that both meet the same machine. process CPU counts both threads; busy is the main thread.
 */
export async function compareWebhookWorker(calls: number, pairs: number): Promise<WorkerComparison> {
  const functions = await FunctionsProcess.start();
  const result: WorkerComparison = { calls, main: [], worker: [] };
  try {
    await benchOnce(Math.min(calls, 1000), 'http', functions, false, true);
    for (let i = 0; i < pairs; i++) {
      result.main.push(await benchOnce(calls, 'http', functions, false, false));
      result.worker.push(await benchOnce(calls, 'http', functions, false, true));
    }
  } finally {
    await functions.close();
  }
  return result;
}

export const TRANSPORTS = ['in-process', 'http', 'functions'] as const;
export type Transport = (typeof TRANSPORTS)[number];

export interface EmulatorBenchOptions {
  /** Calls in the unreported warm-up run of each transport (default 1,000; functions: at most 100). */
  warmUp?: number;
  /** HOLD_MODE of the functions transport (default both). */
  modes?: readonly ('conference' | 'dial')[];
  /** The functions transport runs only the sizes up to this (twilio-run serves ~300-700 req/s). */
  functionsMaxCalls?: number;
}

export async function runEmulatorBench(
  sizes = [100, 1000, 10_000],
  transports: readonly Transport[] = TRANSPORTS,
  { warmUp = WARM_UP, modes = ['conference', 'dial'], functionsMaxCalls = Infinity }: EmulatorBenchOptions = {},
): Promise<BenchRow[]> {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('note: run node with --expose-gc for exact heap figures');
  const rows: BenchRow[] = [];
  // One unreported warm-up run per transport, so that small N are not timing the JIT.
  if (transports.includes('in-process')) {
    await benchOnce(warmUp, 'in-process');
    for (const n of sizes) {
      const row = await benchOnce(n, 'in-process');
      rows.push(row);
      console.log(`  in-process N=${String(n).padStart(6)}  ${row.seconds.toFixed(2)} s`);
    }
  }
  if (transports.includes('http')) {
    const functions = await FunctionsProcess.start();
    try {
      await benchOnce(warmUp, 'http', functions);
      for (const n of sizes) {
        const capacity = await webhookServerCapacity(functions);
        const row = { ...(await benchOnce(n, 'http', functions)), capacity };
        rows.push(row);
        console.log(
          `  http       N=${String(n).padStart(6)}  ${row.seconds.toFixed(2)} s (webhook server alone: ${int(capacity.rate)} req/s at ${pct(capacity.serverElu)} busy)`,
        );
      }
    } finally {
      await functions.close();
    }
  }

  if (transports.includes('functions')) {
    const driver = await FunctionsProcess.start();
    try {
      for (const mode of modes) {
        const tr = await TwilioRun.start({ mode });
        try {
          // twilio-run costs ~3 ms of CPU per request: a short warm-up (N = 100) is enough for the JIT.
          await benchFunctions(Math.min(100, warmUp, Math.max(...sizes)), driver, tr);
          for (const n of sizes.filter((size) => size <= functionsMaxCalls)) {
            const row = await benchFunctions(n, driver, tr);
            rows.push(row);
            console.log(`  functions  N=${String(n).padStart(6)}  ${mode.padEnd(10)} ${row.seconds.toFixed(2)} s, lost ${row.lost}`);
          }
        } finally {
          await tr.stop();
        }
      }
    } finally {
      await driver.close();
    }
  }

  console.log(`\nEmulator: N concurrent conference calls (caller + agent legs), ${CYCLES} hold/resume cycles each, virtual clock.`);
  console.log('http: the webhook server and the REST client (hold/resume requests) run in a separate process ("fn").');
  console.log('CPU = process CPU time / wall time (100% = one core; GC threads can push it past 100%);');
  console.log('events/CPU-s = events per second of emulator-process CPU time: steadier than events/s on a contended machine.');
  console.log('busy = event-loop utilisation of the main thread (100% = saturated). "server alone" = the same webhook');
  console.log(
    `server driven directly from this process with the emulator's request bytes, ${WEBHOOK_WIDTH} keep-alive sockets, measured before each run.`,
  );
  console.log('functions: the real functions (dist/) under twilio-run answer the webhooks in conference mode; the driver process ("fn")');
  console.log(`sends POST /hold and /unhold (${REST_WIDTH} in flight); twilio-run req/s counts every request twilio-run served.`);
  console.log(`Each transport had one unreported warm-up run (N=${int(warmUp)}; functions: N=${Math.min(100, warmUp)}).\n`);
  const head = [
    'transport',
    'N',
    'wall s',
    'events',
    'events/s',
    'events/CPU-s',
    'heap/call',
    'webhooks/s',
    'REST req/s',
    'emu CPU/busy',
    'fn CPU/busy',
    'sockets',
    'server alone req/s (CPU/busy)',
    'twilio-run req/s (CPU/busy)',
  ];
  const both = (cpu: number | undefined, elu: number | undefined): string => (cpu === undefined ? '-' : `${pct(cpu)}/${pct(elu)}`);
  const table = rows.map((r) => [
    r.transport,
    int(r.calls),
    r.seconds.toFixed(2),
    int(r.events),
    int(r.eventsPerSec),
    int(r.events / (r.emulatorCpu * r.seconds)),
    `${(r.bytesPerCall / 1024).toFixed(1)} KiB`,
    int(r.webhooksPerSec),
    int(r.restPerSec),
    both(r.emulatorCpu, r.emulatorElu),
    both(r.functionsCpu, r.functionsElu),
    r.webhookConnections === undefined ? '-' : String(r.webhookConnections),
    r.capacity ? `${int(r.capacity.rate)} (${both(r.capacity.serverCpu, r.capacity.serverElu)})` : '-',
    r.twilioRun ? `${int(r.twilioRun.perSec)} (${both(r.twilioRun.cpu, r.twilioRun.elu)})` : '-',
  ]);
  const widths = head.map((h, i) => Math.max(h.length, ...table.map((t) => t[i].length)));
  const line = (cells: string[]): string => cells.map((c, i) => (i === 0 ? c.padEnd(widths[i]) : c.padStart(widths[i]))).join(' | ');
  console.log(line(head));
  console.log(widths.map((w) => '-'.repeat(w)).join('-|-'));
  for (const t of table) console.log(line(t));
  const caps = rows.flatMap((r) => (r.capacity ? [r.capacity] : []));
  if (caps.length) console.log(`(load generator CPU while measuring the server alone: ${caps.map((c) => pct(c.generatorCpu)).join(', ')})`);
  console.log('\nheap/call: heapUsed after GC with all calls live, minus the baseline, over N (each call = 2 live legs).');
  if (!rows.length) return rows;
  const biggest = Math.max(...sizes);
  for (const r of rows.filter((x) => x.calls === biggest)) {
    console.log(
      `N=${int(r.calls)} ${r.transport}: projected heap for all calls ${((r.bytesPerCall * r.calls) / 2 ** 20).toFixed(0)} MiB (target < 1024 MiB)`,
    );
  }
  console.log('');
  for (const r of rows) console.log(verdict(r));
  return rows;
}

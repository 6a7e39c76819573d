// The emulator benchmark: N concurrent conference calls (caller by TwiML, agent by REST), each
// doing hold/resume cycles on the virtual clock. Measures engine events per second and heap per
// live call, with webhooks answered in-process (WebhookTransport) and over real HTTP.
// Run with node --expose-gc (scripts/bench.ts does) so heap figures are after a full GC.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { startEmulator, type WebhookRequest, type WebhookResponse, type WebhookTransport } from './index';

const BUSINESS = '+15550100000';
const AGENT = '+15550100001';
const CYCLES = 3;

export interface BenchRow {
  transport: 'in-process' | 'http';
  calls: number;
  seconds: number;
  events: number;
  eventsPerSec: number;
  bytesPerCall: number;
  webhooks: number;
  webhooksPerSec: number;
  restRequests: number;
}

/** The functions side of the benchmark: the same two documents whichever transport carries them. */
function answer(url: string, params: Record<string, string>): WebhookResponse {
  const path = new URL(url).pathname;
  const body = path === '/incoming'
    ? `<Response><Dial><Conference waitUrl="">room-${params.CallSid}</Conference></Dial></Response>`
    : '<Response><Play loop="0">https://bench.test/hold.mp3</Play></Response>';
  return { status: 200, contentType: 'text/xml', body };
}

class InProcessTransport implements WebhookTransport {
  count = 0;
  async send(request: WebhookRequest): Promise<WebhookResponse> {
    this.count++;
    const params = request.method === 'GET' ? Object.fromEntries(new URL(request.url).searchParams) : request.params;
    return answer(request.url, params);
  }
}

async function startWebhookServer(): Promise<{ url: string; count: () => number; close: () => Promise<void> }> {
  let count = 0;
  const server = http.createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      count++;
      const url = `http://bench${req.url}`;
      const params = Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
      const r = answer(url, params);
      res.writeHead(r.status, { 'Content-Type': r.contentType }).end(r.body);
    });
  });
  server.keepAliveTimeout = 60_000;
  await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
  return {
    url: `http://127.0.0.1:${(server.address() as AddressInfo).port}`,
    count: () => count,
    close: () => { server.closeAllConnections(); return new Promise((r) => server.close(() => r())); },
  };
}

function heapAfterGc(): number {
  const gc = (globalThis as { gc?: () => void }).gc;
  gc?.();
  gc?.();
  return process.memoryUsage().heapUsed;
}

/** Runs `n` tasks with at most `width` in flight. */
async function pool(n: number, width: number, task: (i: number) => Promise<void>): Promise<void> {
  let next = 0;
  await Promise.all(Array.from({ length: Math.min(width, n) }, async () => {
    while (next < n) await task(next++);
  }));
}

export async function benchOnce(calls: number, transport: 'in-process' | 'http'): Promise<BenchRow> {
  const inProcess = new InProcessTransport();
  const server = transport === 'http' ? await startWebhookServer() : undefined;
  const base = server?.url ?? 'http://functions.bench';
  const emu = await startEmulator({
    clock: 'virtual', logLimit: 0, callsPerSecond: 0,
    numbers: [{ phoneNumber: BUSINESS, voiceUrl: `${base}/incoming` }],
    defaultParty: { behavior: 'answer', afterMs: 1000 },
    webhookTransport: transport === 'in-process' ? inProcess : undefined,
  });
  const { engine } = emu;
  const auth = 'Basic ' + Buffer.from(`${emu.accountSid}:${emu.authToken}`).toString('base64');
  let restRequests = 0;
  const restAgent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const rest = (path: string, form: Record<string, string>): Promise<void> => new Promise((resolve, reject) => {
    restRequests++;
    const body = new URLSearchParams(form).toString();
    const req = http.request(`${emu.url}/2010-04-01/Accounts/${emu.accountSid}${path}`, {
      method: 'POST', agent: restAgent,
      headers: { Authorization: auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
    }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => (res.statusCode! >= 300 ? reject(new Error(`${path}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`)) : resolve()));
    });
    req.on('error', reject);
    req.end(body);
  });

  const heap0 = heapAfterGc();
  const events0 = engine.log.total;
  const t0 = process.hrtime.bigint();

  const callers: string[] = [];
  for (let i = 0; i < calls; i++) callers.push(engine.placeInboundCall(`+1555${String(1_000_000 + i)}`, BUSINESS));
  await engine.settle();
  const confSids = callers.map((sid) => engine.conferences.seatOf(sid)!.conf.sid);
  const participantSpec = {
    from: BUSINESS, to: AGENT, timeoutSec: 60, statusCallbackMethod: 'POST' as const, statusCallbackEvents: [],
    startConferenceOnEnter: true, endConferenceOnExit: false, muted: false, beep: 'true', hold: false, holdMethod: 'GET' as const,
    waitMethod: 'POST' as const, coaching: false, conferenceStatusCallbackMethod: 'POST' as const, conferenceStatusCallbackEvents: [],
  };
  if (transport === 'in-process') {
    for (const sid of confSids) engine.conferences.createParticipant(sid, participantSpec);
  } else {
    await pool(calls, 64, (i) => rest(`/Conferences/${confSids[i]}/Participants.json`, { From: BUSINESS, To: AGENT }));
  }
  await engine.advance(1000);
  const setupSeconds = Number(process.hrtime.bigint() - t0) / 1e9;
  const bytesPerCall = (heapAfterGc() - heap0) / calls;
  const t1 = process.hrtime.bigint();

  for (let c = 0; c < CYCLES; c++) {
    for (const hold of [true, false]) {
      if (transport === 'in-process') {
        for (let i = 0; i < calls; i++) engine.conferences.updateParticipant(confSids[i], callers[i], { hold, holdUrl: hold ? `${base}/hold` : undefined });
      } else {
        await pool(calls, 64, (i) => rest(`/Conferences/${confSids[i]}/Participants/${callers[i]}.json`, hold ? { Hold: 'true', HoldUrl: `${base}/hold` } : { Hold: 'false' }));
      }
      await engine.advance(1000);
    }
  }
  // Wall time of the work only: the forced GC for the heap figure is left out.
  const seconds = setupSeconds + Number(process.hrtime.bigint() - t1) / 1e9;
  restAgent.destroy();
  const live = engine.liveCallCount();
  if (live !== 2 * calls) throw new Error(`expected ${2 * calls} live calls, found ${live}`);
  const heard = emu.hears(callers[0]);
  if (heard?.kind !== 'party') throw new Error(`caller should hear the agent after resume, hears ${JSON.stringify(heard)}`);
  const events = engine.log.total - events0;
  const webhooks = transport === 'in-process' ? inProcess.count : server!.count();
  await emu.close();
  await server?.close();
  return { transport, calls, seconds, events, eventsPerSec: events / seconds, bytesPerCall, webhooks, webhooksPerSec: webhooks / seconds, restRequests };
}

/** The webhook server's own capacity: plain keep-alive requests as fast as it answers them. */
export async function webhookServerCapacity(ms = 2000): Promise<number> {
  const server = await startWebhookServer();
  const agent = new http.Agent({ keepAlive: true, maxSockets: 64 });
  const until = Date.now() + ms;
  let n = 0;
  const one = () => new Promise<void>((resolve, reject) => {
    const body = 'CallSid=CA00';
    const req = http.request(`${server.url}/incoming`, { method: 'POST', agent, headers: { 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': body.length } }, (res) => {
      res.resume();
      res.on('end', () => { n++; resolve(); });
    });
    req.on('error', reject);
    req.end(body);
  });
  const t0 = Date.now();
  await Promise.all(Array.from({ length: 64 }, async () => { while (Date.now() < until) await one(); }));
  const rate = n / ((Date.now() - t0) / 1000);
  agent.destroy();
  await server.close();
  return rate;
}

export async function runEmulatorBench(sizes = [100, 1000, 10_000]): Promise<BenchRow[]> {
  if (!(globalThis as { gc?: unknown }).gc) console.warn('note: run node with --expose-gc for exact heap figures');
  const rows: BenchRow[] = [];
  for (const transport of ['in-process', 'http'] as const) {
    for (const n of sizes) {
      const row = await benchOnce(n, transport);
      rows.push(row);
      console.log(`  ${transport.padEnd(10)} N=${String(n).padStart(6)}  ${row.seconds.toFixed(2)} s`);
    }
  }
  const capacity = await webhookServerCapacity();
  console.log('\nEmulator: N concurrent conference calls (caller + agent legs), 3 hold/resume cycles each, virtual clock');
  console.log('transport   |      N | wall s | engine events | events/s | heap/call (2 legs) | webhooks | webhooks/s | REST reqs');
  console.log('------------|--------|--------|---------------|----------|--------------------|----------|------------|----------');
  for (const r of rows) {
    console.log(`${r.transport.padEnd(11)} | ${String(r.calls).padStart(6)} | ${r.seconds.toFixed(2).padStart(6)} | ${String(r.events).padStart(13)} | ${Math.round(r.eventsPerSec).toString().padStart(8)} | ${(r.bytesPerCall / 1024).toFixed(1).padStart(15)} KiB | ${String(r.webhooks).padStart(8)} | ${Math.round(r.webhooksPerSec).toString().padStart(10)} | ${String(r.restRequests).padStart(9)}`);
  }
  const biggest = rows.filter((r) => r.calls === Math.max(...sizes));
  console.log(`\nWebhook server alone: ${Math.round(capacity)} requests/s (64 keep-alive clients).`);
  for (const r of biggest) console.log(`N=${r.calls} ${r.transport}: projected heap for all calls ${((r.bytesPerCall * r.calls) / 2 ** 20).toFixed(0)} MiB (target < 1024 MiB)`);
  return rows;
}

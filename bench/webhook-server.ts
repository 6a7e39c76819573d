// The benchmark's functions process, forked by bench/emulator.ts (node --import tsx): a minimal
// webhook server answering the emulator's signed webhooks (it does not check signatures, so it is
// as fast as a functions server can be), plus the REST client that puts participants on hold and
// takes them off, as real Functions would. Talks to the benchmark over IPC: see FunctionsCommand.
import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { performance } from 'node:perf_hooks';
import { answer, type FunctionsCommand, type FunctionsReply, type FunctionsStats } from './emulator-functions';

let webhooks = 0;
let connections = 0;
let restRequests = 0;
/** /hold and /unhold answers other than 200 (or no answer): a failed hold or resume. */
let controlFailed = 0;

const server = http.createServer((req, res) => {
  const chunks: Buffer[] = [];
  req.on('data', (c: Buffer) => chunks.push(c));
  req.on('end', () => {
    webhooks++;
    const url = new URL(req.url ?? '/', 'http://functions');
    const params =
      req.method === 'GET'
        ? Object.fromEntries(url.searchParams)
        : Object.fromEntries(new URLSearchParams(Buffer.concat(chunks).toString('utf8')));
    const r = answer(url.href, params);
    res.writeHead(r.status, { 'Content-Type': r.contentType, 'Content-Length': Buffer.byteLength(r.body) }).end(r.body);
  });
});
server.on('connection', () => {
  connections++;
});
server.keepAliveTimeout = 60_000;

interface Calls {
  emulatorUrl: string;
  auth: string;
  accountSid: string;
  confSids: string[];
  callerSids: string[];
  agent?: http.Agent;
}
let calls: Calls | undefined;

function post(c: Calls, agent: http.Agent, path: string, form: Record<string, string>): Promise<void> {
  return new Promise((resolve, reject) => {
    const body = new URLSearchParams(form).toString();
    const req = http.request(
      `${c.emulatorUrl}/2010-04-01/Accounts/${c.accountSid}${path}`,
      {
        method: 'POST',
        agent,
        headers: { Authorization: c.auth, 'Content-Type': 'application/x-www-form-urlencoded', 'Content-Length': Buffer.byteLength(body) },
      },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (b: Buffer) => chunks.push(b));
        res.on('end', () => {
          restRequests++;
          if (res.statusCode! >= 300) reject(new Error(`${path}: ${res.statusCode} ${Buffer.concat(chunks).toString()}`));
          else resolve();
        });
      },
    );
    req.on('error', reject);
    req.end(body);
  });
}

/** POST /hold or /unhold of the real functions for each call (a client of twilio-run). */
async function controlRound(url: string, token: string, callSids: string[], width: number): Promise<void> {
  const agent = new http.Agent({ keepAlive: true, maxSockets: width });
  let next = 0;
  try {
    await Promise.all(
      Array.from({ length: Math.min(width, callSids.length) }, async () => {
        while (next < callSids.length) {
          const body = new URLSearchParams({ CallSid: callSids[next++] }).toString();
          await new Promise<void>((resolve) => {
            const req = http.request(
              url,
              {
                method: 'POST',
                agent,
                headers: {
                  Authorization: `Bearer ${token}`,
                  'Content-Type': 'application/x-www-form-urlencoded',
                  'Content-Length': Buffer.byteLength(body),
                },
              },
              (res) => {
                const chunks: Buffer[] = [];
                res.on('data', (b: Buffer) => chunks.push(b));
                res.on('end', () => {
                  // Counted, not thrown: the benchmark reports failed holds and lost calls.
                  if (res.statusCode !== 200) controlFailed++;
                  resolve();
                });
              },
            );
            req.on('error', () => {
              controlFailed++;
              resolve();
            });
            req.end(body);
          });
        }
      }),
    );
  } finally {
    agent.destroy();
  }
}

async function restRound(round: 'participants' | 'hold' | 'resume', holdUrl: string, width: number): Promise<void> {
  const c = calls;
  if (!c) throw new Error('no calls: send a calls command first');
  c.agent ??= new http.Agent({ keepAlive: true, maxSockets: width });
  const agent = c.agent;
  const n = c.confSids.length;
  let next = 0;
  await Promise.all(
    Array.from({ length: Math.min(width, n) }, async () => {
      while (next < n) {
        const i = next++;
        const conf = c.confSids[i];
        if (round === 'participants')
          await post(c, agent, `/Conferences/${conf}/Participants.json`, { From: '+15550100000', To: '+15550100001' });
        else
          await post(
            c,
            agent,
            `/Conferences/${conf}/Participants/${c.callerSids[i]}.json`,
            round === 'hold' ? { Hold: 'true', HoldUrl: holdUrl } : { Hold: 'false' },
          );
      }
    }),
  );
}

function stats(): FunctionsStats {
  const cpu = process.cpuUsage();
  const elu = performance.eventLoopUtilization();
  return { webhooks, connections, restRequests, controlFailed, cpuMicros: cpu.user + cpu.system, eluActive: elu.active, eluIdle: elu.idle };
}

function reply(m: FunctionsReply): void {
  process.send?.(m);
}

process.on('message', (m: FunctionsCommand) => {
  const run = async (): Promise<void> => {
    switch (m.type) {
      case 'stats':
        break;
      case 'calls':
        calls?.agent?.destroy();
        calls = {
          emulatorUrl: m.emulatorUrl,
          accountSid: m.accountSid,
          confSids: m.confSids,
          callerSids: m.callerSids,
          auth: 'Basic ' + Buffer.from(`${m.accountSid}:${m.authToken}`).toString('base64'),
        };
        break;
      case 'rest':
        await restRound(m.round, m.holdUrl, m.width);
        break;
      case 'done-calls':
        calls?.agent?.destroy();
        calls = undefined;
        break;
      case 'control':
        await controlRound(m.url, m.token, m.callSids, m.width);
        break;
    }
  };
  run().then(
    () => reply({ type: 'ok', id: m.id, stats: stats() }),
    (e: unknown) => reply({ type: 'error', id: m.id, message: (e as Error).message }),
  );
});

// The benchmark ends this process by disconnecting the IPC channel.
process.on('disconnect', () => {
  calls?.agent?.destroy();
  server.closeAllConnections();
  server.close(() => process.exit(0));
});

server.listen(0, '127.0.0.1', () => reply({ type: 'ready', url: `http://127.0.0.1:${(server.address() as AddressInfo).port}` }));

// The conformance suite's webhook server: it answers each path with the TwiML a scenario set for
// it (optionally after a delay, which is how a dialled Twilio number "rings") and records every
// request. Against the emulator it is reached on loopback; against Twilio through a public tunnel
// (CONFORMANCE_PUBLIC_URL, see docs/conformance.md).
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hit {
  path: string;
  method: string;
  params: Record<string, string>;
  /** Date.now() when it arrived (real time: diagnostics only, never asserted). */
  at: number;
}

export interface Reply {
  twiml?: string;
  status?: number;
  /** Answer this long after the request arrives (at most 14 s: Twilio gives up after 15). */
  delayMs?: number;
}

export const twiml = (inner: string): Reply => ({ twiml: `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>` });

export class Recorder {
  private readonly routes = new Map<string, Reply>();
  private readonly log: Hit[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(private readonly server: http.Server, readonly localUrl: string) {}

  static async start(port = 0): Promise<Recorder> {
    let self: Recorder | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((resolve, reject) => {
      server.once('error', reject);
      server.listen(port, '127.0.0.1', () => resolve());
    });
    self = new Recorder(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  get port(): number { return (this.server.address() as AddressInfo).port; }

  on(path: string, reply: Reply): void { this.routes.set(path, reply); }

  hits(path: string): Hit[] { return this.log.filter((h) => h.path === path); }

  /** Forget routes and hits between scenarios. */
  reset(): void {
    this.routes.clear();
    this.log.length = 0;
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://recorder');
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? u.search : body));
    this.log.push({ path: u.pathname, method: req.method ?? 'GET', params, at: Date.now() });
    const reply = this.routes.get(u.pathname);
    const send = (): void => {
      if (!reply) { res.writeHead(404).end(); return; }
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'text/xml' }).end(reply.twiml ?? '');
    };
    const delay = Math.min(reply?.delayMs ?? 0, 14_000);
    if (delay === 0) { send(); return; }
    const timer = setTimeout(() => { this.timers.delete(timer); send(); }, delay);
    this.timers.add(timer);
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

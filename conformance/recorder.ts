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

/** A fixed answer, or one computed from the request (the product's own code answering, in the flows). */
export type Route = Reply | ((hit: Hit) => Reply | Promise<Reply>);

export const twiml = (inner: string): Reply => ({ twiml: `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>` });

export class Recorder {
  private readonly routes = new Map<string, Route>();
  private readonly log: Hit[] = [];
  private readonly timers = new Set<NodeJS.Timeout>();

  private constructor(
    private readonly server: http.Server,
    readonly localUrl: string,
  ) {}

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

  get port(): number {
    return (this.server.address() as AddressInfo).port;
  }

  on(path: string, reply: Route): void {
    this.routes.set(path, reply);
  }

  hits(path: string): Hit[] {
    return this.log.filter((h) => h.path === path);
  }

  /** Forget routes and hits between scenarios. */
  reset(): void {
    this.routes.clear();
    this.log.length = 0;
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', 'http://recorder');
    // The query too: the product's URLs carry some of what it needs there (CallerCallSid, HeldFor).
    const params = {
      ...Object.fromEntries(u.searchParams),
      ...(req.method === 'GET' ? {} : Object.fromEntries(new URLSearchParams(body))),
    };
    const hit: Hit = { path: u.pathname, method: req.method ?? 'GET', params, at: Date.now() };
    this.log.push(hit);
    const route = this.routes.get(u.pathname);
    if (typeof route === 'function') {
      Promise.resolve(route(hit)).then(
        (reply) => this.answer(reply, res),
        (error: Error) => {
          console.error(`recorder: ${u.pathname} failed: ${error.message}`);
          res.writeHead(500).end();
        },
      );
      return;
    }
    this.answer(route, res);
  }

  private answer(reply: Reply | undefined, res: http.ServerResponse): void {
    const send = (): void => {
      if (!reply) {
        res.writeHead(404).end();
        return;
      }
      res.writeHead(reply.status ?? 200, { 'Content-Type': 'text/xml' }).end(reply.twiml ?? '');
    };
    const delay = Math.min(reply?.delayMs ?? 0, 14_000);
    if (delay === 0) {
      send();
      return;
    }
    const timer = setTimeout(() => {
      this.timers.delete(timer);
      send();
    }, delay);
    this.timers.add(timer);
  }

  close(): Promise<void> {
    for (const t of this.timers) clearTimeout(t);
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

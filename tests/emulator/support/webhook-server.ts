// A small local webhook server for emulator tests: answers each path with TwiML (or audio, or a
// status) and records every request, with its X-Twilio-Signature, as Twilio would send it.
import http from 'node:http';
import type { AddressInfo } from 'node:net';

export interface Hit {
  method: string;
  path: string;
  /** Full URL as requested (with query). */
  url: string;
  params: Record<string, string>;
  signature: string | undefined;
}

export type Reply = string | { status?: number; contentType?: string; body?: string };
export type Handler = (hit: Hit) => Reply;

export class WebhookServer {
  readonly hits: Hit[] = [];
  private readonly routes = new Map<string, Handler>();
  private constructor(
    private readonly server: http.Server,
    readonly base: string,
  ) {}

  static async start(): Promise<WebhookServer> {
    let self: WebhookServer | undefined;
    const server = http.createServer((req, res) => {
      const chunks: Buffer[] = [];
      req.on('data', (c: Buffer) => chunks.push(c));
      req.on('end', () => self!.handle(req, Buffer.concat(chunks).toString('utf8'), res));
    });
    await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
    self = new WebhookServer(server, `http://127.0.0.1:${(server.address() as AddressInfo).port}`);
    return self;
  }

  url(path: string): string {
    return this.base + path;
  }

  /** Answers `path` with `reply` (TwiML text, or a function of the request). */
  on(path: string, reply: Reply | Handler): void {
    this.routes.set(path, typeof reply === 'function' ? reply : () => reply);
  }

  hitsTo(path: string): Hit[] {
    return this.hits.filter((h) => h.path === path);
  }

  private handle(req: http.IncomingMessage, body: string, res: http.ServerResponse): void {
    const u = new URL(req.url ?? '/', this.base);
    const params = Object.fromEntries(new URLSearchParams(req.method === 'GET' ? u.search : body));
    const hit: Hit = {
      method: req.method ?? 'GET',
      path: u.pathname,
      url: u.toString(),
      params,
      signature: req.headers['x-twilio-signature'] as string | undefined,
    };
    this.hits.push(hit);
    const handler = this.routes.get(u.pathname);
    if (!handler) {
      res.writeHead(404).end();
      return;
    }
    const reply = handler(hit);
    const r = typeof reply === 'string' ? { body: reply } : reply;
    res.writeHead(r.status ?? 200, { 'Content-Type': r.contentType ?? 'text/xml' }).end(r.body ?? '');
  }

  close(): Promise<void> {
    this.server.closeAllConnections();
    return new Promise((r) => this.server.close(() => r()));
  }
}

export const twiml = (inner: string): string => `<?xml version="1.0" encoding="UTF-8"?><Response>${inner}</Response>`;

// Webhooks sent from a worker thread: the HTTP client side of the emulator (building requests,
// the keep-alive pool, parsing answers) runs on a second core, and the main thread, which runs
// the engine and the REST server, only posts a message per webhook and gets one back. An
// experiment measured by the benchmark (BENCHMARKS.md, "Where the emulator's CPU goes over HTTP"); the default
// transport stays HttpWebhookTransport. Same semantics: the same bytes on the wire, the same pool
// (keep-alive, 256 sockets per protocol), the abort signal ends the request.
import { Worker } from 'node:worker_threads';
import type { WebhookRequest, WebhookResponse, WebhookTransport } from './webhooks';

// Plain JavaScript, evaluated by the worker: it needs no TypeScript loader, whatever runs the
// emulator (tsx, ts-jest, a build).
const WORKER_SOURCE = `
const http = require('node:http');
const https = require('node:https');
const { parentPort } = require('node:worker_threads');
const agents = { 'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }), 'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }) };
const inFlight = new Map();
parentPort.on('message', (m) => {
  if (m.type === 'abort') { inFlight.get(m.id)?.destroy(new Error('aborted')); return; }
  if (m.type === 'close') { agents['http:'].destroy(); agents['https:'].destroy(); parentPort.close(); return; }
  const url = new URL(m.url);
  const mod = url.protocol === 'https:' ? https : http;
  const headers = m.body === undefined ? m.headers : { ...m.headers, 'Content-Length': Buffer.byteLength(m.body) };
  const req = mod.request(url, { method: m.method, headers, agent: agents[url.protocol] ?? agents['http:'] }, (res) => {
    const chunks = [];
    res.on('data', (c) => chunks.push(c));
    res.on('end', () => {
      inFlight.delete(m.id);
      parentPort.postMessage({ id: m.id, status: res.statusCode ?? 0, contentType: String(res.headers['content-type'] ?? ''), body: Buffer.concat(chunks).toString('utf8') });
    });
    res.on('error', (e) => { inFlight.delete(m.id); parentPort.postMessage({ id: m.id, error: e.message, name: e.name }); });
  });
  inFlight.set(m.id, req);
  req.on('error', (e) => { inFlight.delete(m.id); parentPort.postMessage({ id: m.id, error: e.message, name: e.name }); });
  req.end(m.body);
});
`;

type Reply = { id: number; status: number; contentType: string; body: string } | { id: number; error: string; name: string };

export class WorkerWebhookTransport implements WebhookTransport {
  private readonly worker = new Worker(WORKER_SOURCE, { eval: true });
  private readonly pending = new Map<
    number,
    { resolve: (r: WebhookResponse) => void; reject: (e: unknown) => void; signal: AbortSignal; onAbort: () => void }
  >();
  private nextId = 1;

  constructor() {
    this.worker.on('message', (reply: Reply) => {
      const p = this.pending.get(reply.id);
      if (!p) return;
      this.pending.delete(reply.id);
      p.signal.removeEventListener('abort', p.onAbort);
      if ('error' in reply) p.reject(Object.assign(new Error(reply.error), { name: reply.name }));
      else p.resolve({ status: reply.status, contentType: reply.contentType, body: reply.body });
    });
    // No webhook in flight must keep the process alive on its own (as with http's agent).
    this.worker.unref();
  }

  send(request: WebhookRequest, signal: AbortSignal): Promise<WebhookResponse> {
    if (signal.aborted) return Promise.reject(signal.reason);
    const id = this.nextId++;
    const body = request.method === 'POST' ? new URLSearchParams(request.params).toString() : undefined;
    return new Promise((resolve, reject) => {
      const onAbort = (): void => {
        this.pending.delete(id);
        this.worker.postMessage({ type: 'abort', id });
        reject(signal.reason);
      };
      signal.addEventListener('abort', onAbort, { once: true });
      this.pending.set(id, { resolve, reject, signal, onAbort });
      this.worker.postMessage({ type: 'send', id, url: request.url, method: request.method, headers: request.headers, body });
    });
  }

  async close(): Promise<void> {
    this.worker.postMessage({ type: 'close' });
    await this.worker.terminate();
  }
}

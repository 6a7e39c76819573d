// Webhooks: signed like Twilio's, sent through a pluggable transport (real HTTP by default; the
// benchmark answers in-process), with Twilio's 15-second limit and injectable faults.
import http from 'node:http';
import https from 'node:https';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import type { HttpMethod } from '../twiml/types';
import type { Clock } from './clock';
import type { EventLog } from './event-log';
import type { Faults } from './faults';

export interface WebhookRequest {
  /** The URL as requested: for GET it carries the parameters in its query string. */
  url: string;
  method: HttpMethod;
  /** POST body parameters (empty for GET). */
  params: Record<string, string>;
  headers: Record<string, string>;
}

export interface WebhookResponse {
  status: number;
  contentType: string;
  body: string;
}

export interface WebhookTransport {
  send(request: WebhookRequest, signal: AbortSignal): Promise<WebhookResponse>;
}

export type WebhookOutcome = { ok: true; response: WebhookResponse } | { ok: false; code: number; message: string };

/** "Twilio will wait 15 seconds for the first byte of the response" (error 11200 docs). */
export const WEBHOOK_TIMEOUT_MS = 15_000;

/**
 * Real HTTP with keep-alive and a bounded socket pool: 10,000 calls must not open 10,000 sockets
 * to one functions server at once.
 */
type StaleSocketError = Error & { staleSocket?: boolean };

export class HttpWebhookTransport implements WebhookTransport {
  private readonly agents = {
    'http:': new http.Agent({ keepAlive: true, maxSockets: 256 }),
    'https:': new https.Agent({ keepAlive: true, maxSockets: 256 }),
  };

  async send(request: WebhookRequest, signal: AbortSignal): Promise<WebhookResponse> {
    try {
      return await this.sendOnce(request, signal);
    } catch (error) {
      // A kept-alive socket the server closed just as it was reused fails before any answer
      // (ECONNRESET, "socket hang up"): the request never reached the server's code, so it is sent
      // once more on a fresh socket, as Node's documentation advises
      // (https://nodejs.org/api/http.html#requestreusedsocket). Seen in the benchmark against
      // twilio-run (its 5-second keep-alive timeout) while it was saturated.
      if ((error as StaleSocketError).staleSocket && !signal.aborted) return this.sendOnce(request, signal);
      throw error;
    }
  }

  private sendOnce(request: WebhookRequest, signal: AbortSignal): Promise<WebhookResponse> {
    const url = new URL(request.url);
    const body = request.method === 'POST' ? new URLSearchParams(request.params).toString() : undefined;
    const mod = url.protocol === 'https:' ? https : http;
    return new Promise((resolve, reject) => {
      if (signal.aborted) {
        reject(signal.reason);
        return;
      }
      // The signal is watched by hand instead of passing `signal` to http.request, which wraps
      // every request in addAbortSignal + an end-of-stream watcher (a few listeners and closures
      // per webhook, visible in the HTTP benchmark's profile). Same outcome: on abort the request
      // is destroyed and the promise rejects with the signal's reason (a TimeoutError).
      const onAbort = (): void => {
        req.destroy(signal.reason as Error);
      };
      const settle = (): void => signal.removeEventListener('abort', onAbort);
      const req = mod.request(
        url,
        {
          method: request.method,
          headers: body === undefined ? request.headers : { ...request.headers, 'Content-Length': Buffer.byteLength(body) },
          agent: url.protocol === 'https:' ? this.agents['https:'] : this.agents['http:'],
        },
        (res) => {
          const chunks: Buffer[] = [];
          res.on('data', (c: Buffer) => chunks.push(c));
          res.on('end', () => {
            settle();
            resolve({
              status: res.statusCode ?? 0,
              contentType: String(res.headers['content-type'] ?? ''),
              body: Buffer.concat(chunks).toString('utf8'),
            });
          });
          res.on('error', (e) => {
            settle();
            reject(signal.aborted ? signal.reason : e);
          });
        },
      );
      signal.addEventListener('abort', onAbort, { once: true });
      req.on('error', (e: NodeJS.ErrnoException) => {
        settle();
        reject(req.reusedSocket && e.code === 'ECONNRESET' && !signal.aborted ? Object.assign(e, { staleSocket: true }) : e);
      });
      req.end(body);
    });
  }

  close(): void {
    this.agents['http:'].destroy();
    this.agents['https:'].destroy();
  }
}

export function withQuery(url: string, params: Record<string, string>): string {
  const u = new URL(url);
  for (const [k, v] of Object.entries(params)) u.searchParams.append(k, v);
  return u.toString();
}

interface WebhookClientDeps {
  transport: WebhookTransport;
  authToken: string;
  clock: Clock;
  faults: Faults;
  log: EventLog;
  /** Registers in-flight work so advance()/settle() can wait for it. */
  track(work: Promise<unknown>): void;
}

export class WebhookClient {
  constructor(private readonly deps: WebhookClientDeps) {}

  /**
   * Requests `url` and calls `done` once with the outcome. Callback style on purpose: a webhook
   * delayed by an injected fault waits on the engine clock, not in a promise the clock waits for.
   */
  request(
    url: string,
    method: HttpMethod,
    params: Record<string, string>,
    purpose: string,
    callSid: string | undefined,
    done: (outcome: WebhookOutcome) => void,
  ): void {
    const { clock, faults, log } = this.deps;
    const fault = faults.takeWebhook(url);
    const send = (): void => {
      if (fault?.status !== undefined) {
        this.finish(
          url,
          method,
          purpose,
          callSid,
          { ok: true, response: { status: fault.status, contentType: 'text/plain', body: '' } },
          done,
        );
        return;
      }
      this.deps.track(this.send(url, method, params).then((o) => this.finish(url, method, purpose, callSid, o, done)));
    };
    const latency = fault?.latencyMs ?? 0;
    if (latency >= WEBHOOK_TIMEOUT_MS) {
      log.add('webhook', `${method} ${url} (${purpose}) will time out (injected latency ${latency} ms)`, callSid);
      clock.schedule(WEBHOOK_TIMEOUT_MS, () =>
        this.finish(
          url,
          method,
          purpose,
          callSid,
          { ok: false, code: 11200, message: `HTTP retrieval failure: no response within ${WEBHOOK_TIMEOUT_MS / 1000} s` },
          done,
        ),
      );
    } else if (latency > 0) {
      clock.schedule(latency, send);
    } else {
      send();
    }
  }

  private async send(url: string, method: HttpMethod, params: Record<string, string>): Promise<WebhookOutcome> {
    const fullUrl = method === 'GET' ? withQuery(url, params) : url;
    const body = method === 'POST' ? params : {};
    const headers: Record<string, string> = {
      'X-Twilio-Signature': getExpectedTwilioSignature(this.deps.authToken, fullUrl, body),
      'User-Agent': 'TwilioProxy/1.1',
      Accept: '*/*',
    };
    if (method === 'POST') headers['Content-Type'] = 'application/x-www-form-urlencoded; charset=utf-8';
    try {
      const response = await this.deps.transport.send(
        { url: fullUrl, method, params: body, headers },
        AbortSignal.timeout(WEBHOOK_TIMEOUT_MS),
      );
      return { ok: true, response };
    } catch (e) {
      const err = e as Error;
      const timedOut = err.name === 'TimeoutError' || err.name === 'AbortError';
      return { ok: false, code: 11200, message: `HTTP retrieval failure: ${timedOut ? 'timeout' : err.message}` };
    }
  }

  private finish(
    url: string,
    method: HttpMethod,
    purpose: string,
    callSid: string | undefined,
    outcome: WebhookOutcome,
    done: (o: WebhookOutcome) => void,
  ): void {
    // Twilio treats any non-2xx answer as a failed fetch (error 11200).
    const final: WebhookOutcome =
      outcome.ok && (outcome.response.status < 200 || outcome.response.status > 299)
        ? { ok: false, code: 11200, message: `HTTP retrieval failure: status ${outcome.response.status}` }
        : outcome;
    this.deps.log.add(
      'webhook',
      `${method} ${url} (${purpose}) -> ${final.ok ? final.response.status : `error ${final.code}: ${final.message}`}`,
      callSid,
      final.ok ? { status: final.response.status } : { code: final.code },
    );
    done(final);
  }
}

// Injected faults: REST responses (429/500/503, latency) and slow or failing webhooks.

export interface RestFault {
  target: 'rest';
  method?: string;
  path?: RegExp | string;
  status?: 429 | 500 | 503;
  latencyMs?: number;
  /** How many matching requests it applies to; default: every one until cleared. */
  count?: number;
  /** How many matching requests pass untouched before it applies (e.g. 1 = from the second on). */
  skip?: number;
}

export interface WebhookFault {
  target: 'webhook';
  url?: RegExp | string;
  /** The webhook answers with this HTTP status instead of asking the server. */
  status?: number;
  /** Delay before the request is sent; beyond 15 s the request fails with 11200, as on Twilio. */
  latencyMs?: number;
  count?: number;
  skip?: number;
}

export type Fault = RestFault | WebhookFault;

interface Armed<F> { fault: F; remaining: number; toSkip: number }

function matches(pattern: RegExp | string | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? value.includes(pattern) : pattern.test(value);
}

export class Faults {
  private rest: Armed<RestFault>[] = [];
  private webhook: Armed<WebhookFault>[] = [];

  add(fault: Fault): void {
    const armed = { remaining: fault.count ?? Infinity, toSkip: fault.skip ?? 0 };
    if (fault.target === 'rest') this.rest.push({ fault, ...armed });
    else this.webhook.push({ fault, ...armed });
  }

  clear(): void {
    this.rest = [];
    this.webhook = [];
  }

  list(): Fault[] {
    return [...this.rest, ...this.webhook].map((a) => a.fault);
  }

  /**
   * The fault for this REST request, if any (used up by one). With `onlyNamedPaths` (Sync
   * requests) a fault applies only if its `path` names the request: a fault without a path keeps
   * meaning "the Voice API's requests", so counting faults (skip, count) do not shift when the
   * functions' call-state bookkeeping adds Sync requests.
   */
  takeRest(method: string, path: string, onlyNamedPaths = false): RestFault | undefined {
    return this.take(
      this.rest,
      (f) => (f.method === undefined || f.method.toUpperCase() === method) && (!onlyNamedPaths || f.path !== undefined) && matches(f.path, path),
    );
  }

  takeWebhook(url: string): WebhookFault | undefined {
    return this.take(this.webhook, (f) => matches(f.url, url));
  }

  private take<F>(armed: Armed<F>[], match: (f: F) => boolean): F | undefined {
    const i = armed.findIndex((a) => a.remaining > 0 && match(a.fault));
    if (i < 0) return undefined;
    const a = armed[i];
    if (a.toSkip > 0) {
      a.toSkip--;
      return undefined;
    }
    a.remaining--;
    if (a.remaining <= 0) armed.splice(i, 1);
    return a.fault;
  }
}

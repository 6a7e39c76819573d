// Injected faults: REST responses (429/500/503, latency) and slow or failing webhooks.
// Which requests a fault applies to is a FaultPattern. Over HTTP (the control API) a pattern is a
// string, matched in linear time (plainly or as a glob), never a regular expression: a regular
// expression from a request could backtrack for minutes on one URL and freeze the emulator. A RegExp
// comes only from code running in the same process (the tests), which is trusted.

export interface RestFault {
  target: 'rest';
  method?: string;
  path?: FaultPattern;
  status?: 429 | 500 | 503;
  latencyMs?: number;
  /** How many matching requests it applies to; default: every one until cleared. */
  count?: number;
  /** How many matching requests pass untouched before it applies (e.g. 1 = from the second on). */
  skip?: number;
}

export interface WebhookFault {
  target: 'webhook';
  url?: FaultPattern;
  /** The webhook answers with this HTTP status instead of asking the server. */
  status?: number;
  /** Delay before the request is sent; beyond 15 s the request fails with 11200, as on Twilio. */
  latencyMs?: number;
  count?: number;
  skip?: number;
}

export type Fault = RestFault | WebhookFault;

interface Armed<F> {
  fault: F;
  remaining: number;
  toSkip: number;
}

/**
 * A string is found anywhere in the path or URL; its `*`s match any run of characters
 * (`Participants/CA*.json`). A RegExp only from in-process code (see the top of this file).
 */
export type FaultPattern = RegExp | string;

/** A string pattern longer than this is refused (a real path or URL pattern is well under 100). */
export const MAX_PATTERN_LENGTH = 256;

export class FaultPatternError extends Error {}

/** The reason a string pattern is refused, or undefined when it is fine. */
export function patternProblem(pattern: string): string | undefined {
  if (pattern.length > MAX_PATTERN_LENGTH) return `a fault pattern is at most ${MAX_PATTERN_LENGTH} characters`;
  return undefined;
}

/**
 * Whether `value` contains the glob `pattern` (unanchored). Each `*`-separated piece is found with
 * indexOf after the previous one: the leftmost match of each piece leaves the most room for the
 * next, so the first try is the answer; no backtracking, at most (pieces x value length) steps.
 */
export function globFound(pattern: string, value: string): boolean {
  let from = 0;
  for (const piece of pattern.split('*')) {
    if (piece === '') continue;
    const at = value.indexOf(piece, from);
    if (at < 0) return false;
    from = at + piece.length;
  }
  return true;
}

function matches(pattern: FaultPattern | undefined, value: string): boolean {
  if (pattern === undefined) return true;
  return typeof pattern === 'string' ? globFound(pattern, value) : pattern.test(value);
}

function checkPattern(pattern: FaultPattern | undefined): void {
  const problem = typeof pattern === 'string' ? patternProblem(pattern) : undefined;
  if (problem) throw new FaultPatternError(problem);
}

export class Faults {
  private rest: Armed<RestFault>[] = [];
  private webhook: Armed<WebhookFault>[] = [];

  add(fault: Fault): void {
    checkPattern(fault.target === 'rest' ? fault.path : fault.url);
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
      (f) =>
        (f.method === undefined || f.method.toUpperCase() === method) && (!onlyNamedPaths || f.path !== undefined) && matches(f.path, path),
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

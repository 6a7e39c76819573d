// Every Twilio REST request goes through callTwilio: it retries what is safe to retry and turns
// what Twilio answered into a Failure with Twilio's own code and message.
import { AsyncLocalStorage } from 'node:async_hooks';
import { settleWithin } from './deadline';
import { conflict, misconfigured, notFound, outcomeUnknown, upstream, type Failure, type TwilioErrorDetail } from './failure';

export interface RetryPolicy {
  /** All attempts and waits of one request end within this many ms (see also the invocation budget). */
  budgetMs: number;
  baseDelayMs: number;
  maxDelayMs: number;
  sleep: (ms: number) => Promise<void>;
  random: () => number;
  now: () => number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  budgetMs: 8000,
  baseDelayMs: 200,
  maxDelayMs: 2500,
  sleep: (ms) => new Promise((resolve) => setTimeout(resolve, ms)),
  random: Math.random,
  now: Date.now,
};

// A Function is stopped after 10 s, so all the REST requests of one invocation, with their retries,
// share one budget of about 8 s: a webhook that makes three requests must not spend 8 s on each.
export const INVOCATION_BUDGET_MS = 8000;
const invocationDeadline = new AsyncLocalStorage<number>();

/** Milliseconds left in this invocation's budget (the whole budget outside an invocation). */
export function remainingBudgetMs(): number {
  const deadline = invocationDeadline.getStore();
  return deadline === undefined ? INVOCATION_BUDGET_MS : Math.max(0, deadline - Date.now());
}

/**
 * After an update whose outcome is unknown (sent, no answer in time): one read of the state tells
 * the API user where the call stands, if it fits in what is left of the invocation's time (a
 * Function is stopped at 10 s; 500 ms are kept for answering); else the 504 says only "unknown"
 * (docs/hold-api.md). `readHeld` answers undefined, or throws, when it cannot tell.
 */
export async function withStateReadBack(failure: Failure, callSid: string, readHeld: () => Promise<boolean | undefined>): Promise<Failure> {
  const unknown = failure.withDetails({ callSid });
  const timeLeft = remainingBudgetMs() - 500;
  if (timeLeft <= 0) return unknown;
  try {
    const read = await settleWithin(readHeld(), timeLeft);
    return !read.done || read.value === undefined ? unknown : failure.withDetails({ callSid, held: read.value });
  } catch {
    return unknown;
  }
}

/** Runs one function invocation; every callTwilio inside it retries only until its deadline. */
export function withinInvocationBudget<T>(run: () => Promise<T>, budgetMs = INVOCATION_BUDGET_MS): Promise<T> {
  return invocationDeadline.run(Date.now() + budgetMs, run);
}

/** 20429/429 means "not processed, retry with backoff"; 503 is Twilio's "try again later". */
const RETRYABLE_STATUS = new Set([429, 503]);
/** Connection failures where the request did not reach Twilio or got no answer on a reused socket. */
const RETRYABLE_NETWORK_CODES = new Set(['ECONNRESET', 'ECONNREFUSED', 'EPIPE', 'EAI_AGAIN']);
/**
 * The request was sent and no answer came within the client's timeout (axios: ECONNABORTED, or
 * ETIMEDOUT with clarifyTimeoutError): Twilio may have acted on it. Not retried here; the caller
 * of callTwilio decides, and an API answer says the outcome is unknown (504).
 */
const TIMEOUT_CODES = new Set(['ECONNABORTED', 'ETIMEDOUT']);

interface TwilioLikeError {
  status?: unknown;
  code?: unknown;
  message?: unknown;
  moreInfo?: unknown;
}

function httpStatusOf(error: unknown): number | undefined {
  const status = (error as TwilioLikeError | null)?.status;
  return typeof status === 'number' ? status : undefined;
}

function networkCodeOf(error: unknown): string | undefined {
  const code = (error as TwilioLikeError | null)?.code;
  return typeof code === 'string' ? code : undefined;
}

export function isRetryable(error: unknown): boolean {
  const status = httpStatusOf(error);
  if (status !== undefined) return RETRYABLE_STATUS.has(status);
  const code = networkCodeOf(error);
  return code !== undefined && RETRYABLE_NETWORK_CODES.has(code);
}

/**
 * Runs a Twilio request, retrying 429, 503 and connection resets with exponential backoff and
 * full jitter while the next attempt can still start inside the budget.
 * `what` names the request for error messages ("update participant caller").
 */
export async function callTwilio<T>(what: string, request: () => Promise<T>, policy: RetryPolicy = DEFAULT_RETRY_POLICY): Promise<T> {
  const shared = invocationDeadline.getStore();
  const own = policy.now() + policy.budgetMs;
  const deadline = shared === undefined ? own : Math.min(own, policy.now() + (shared - Date.now()));
  for (let attempt = 1; ; attempt += 1) {
    try {
      return await request();
    } catch (error) {
      if (!isRetryable(error)) throw failureOf(what, error, attempt);
      const ceiling = Math.min(policy.maxDelayMs, policy.baseDelayMs * 2 ** (attempt - 1));
      const delay = Math.round(policy.random() * ceiling);
      if (policy.now() + delay >= deadline) throw failureOf(what, error, attempt);
      await policy.sleep(delay);
    }
  }
}

function detailOf(error: unknown): TwilioErrorDetail | undefined {
  const status = httpStatusOf(error);
  if (status === undefined) return undefined;
  const { code, message, moreInfo } = error as TwilioLikeError;
  return {
    status,
    ...(typeof code === 'number' ? { code } : {}),
    message: typeof message === 'string' ? message : `HTTP ${status}`,
    ...(typeof moreInfo === 'string' ? { moreInfo } : {}),
  };
}

/** Translates a failed Twilio request into a Failure; see DESIGN.md for the status codes. */
export function failureOf(what: string, error: unknown, attempts = 1): Failure {
  const detail = detailOf(error);
  if (!detail) {
    const code = networkCodeOf(error);
    if (code !== undefined && TIMEOUT_CODES.has(code)) {
      return outcomeUnknown(`no answer from Twilio in time to ${what}: it may or may not have happened`);
    }
    const reason = code ?? (error instanceof Error ? error.message : 'unknown error');
    return upstream(`could not reach Twilio to ${what} (${reason}) after ${attempts} attempt(s)`);
  }
  if (detail.status === 404 || detail.code === 20404) return notFound(`${what}: not found`, detail);
  if (detail.status === 401 || detail.code === 20003) {
    return misconfigured('Twilio rejected the credentials (ACCOUNT_SID / AUTH_TOKEN)');
  }
  // 21220: "Call is not in-progress. Cannot redirect." The call exists but has ended or not begun.
  if (detail.code === 21220) return conflict(`${what}: the call is not in progress`, detail);
  if (RETRYABLE_STATUS.has(detail.status ?? 0)) {
    return upstream(`Twilio was unavailable (HTTP ${detail.status}) to ${what} after ${attempts} attempt(s)`, detail);
  }
  return upstream(`Twilio refused to ${what}: ${detail.message}`, detail);
}

// Retries and error mapping of every Twilio REST request, on an injected clock: no test sleeps.
import { callTwilio, failureOf, isRetryable, withinInvocationBudget, type RetryPolicy } from '../../lib/platform/twilio-request';
import { Failure } from '../../lib/platform/failure';

function restError(status: number, code: number, message = 'error'): Error {
  return Object.assign(new Error(message), { status, code, moreInfo: `https://www.twilio.com/docs/errors/${code}` });
}

function networkError(code: string): Error {
  return Object.assign(new Error(`socket ${code}`), { code });
}

/** A policy whose sleep advances a fake clock and records each delay. */
function fakePolicy(random = () => 1): RetryPolicy & { delays: number[] } {
  let now = 0;
  const delays: number[] = [];
  return {
    budgetMs: 8000,
    baseDelayMs: 200,
    maxDelayMs: 2500,
    random,
    now: () => now,
    sleep: async (ms) => {
      delays.push(ms);
      now += ms;
    },
    delays,
  };
}

describe('isRetryable', () => {
  it.each([
    [restError(429, 20429), true],
    [restError(503, 20503), true],
    [networkError('ECONNRESET'), true],
    [networkError('ECONNREFUSED'), true],
    [restError(500, 20500), false],
    [restError(400, 21220), false],
    [restError(404, 20404), false],
    [networkError('ECONNABORTED'), false],
    [new Error('boom'), false],
  ])('%p -> %p', (error, expected) => {
    expect(isRetryable(error)).toBe(expected);
  });
});

describe('callTwilio', () => {
  it('returns the first success without waiting', async () => {
    const policy = fakePolicy();
    await expect(callTwilio('do it', async () => 'ok', policy)).resolves.toBe('ok');
    expect(policy.delays).toEqual([]);
  });

  it('backs off exponentially between retries of 429, 503 and connection resets', async () => {
    const policy = fakePolicy();
    const failures = [restError(429, 20429), restError(503, 20503), networkError('ECONNRESET')];
    let attempts = 0;
    const result = await callTwilio(
      'do it',
      async () => {
        attempts += 1;
        const failure = failures.shift();
        if (failure) throw failure;
        return 'done';
      },
      policy,
    );
    expect(result).toBe('done');
    expect(attempts).toBe(4);
    expect(policy.delays).toEqual([200, 400, 800]);
  });

  it('applies full jitter to each delay', async () => {
    const policy = fakePolicy(() => 0.5);
    let attempts = 0;
    await callTwilio(
      'do it',
      async () => {
        attempts += 1;
        if (attempts < 3) throw restError(429, 20429);
        return 'done';
      },
      policy,
    );
    expect(policy.delays).toEqual([100, 200]);
  });

  it('caps each delay and gives up with an upstream failure before the budget is spent', async () => {
    const policy = fakePolicy();
    let attempts = 0;
    const outcome = callTwilio(
      'hold the caller',
      async () => {
        attempts += 1;
        throw restError(429, 20429, 'Too Many Requests');
      },
      policy,
    );
    await expect(outcome).rejects.toMatchObject({ kind: 'upstream', twilio: { code: 20429, status: 429 } });
    expect(Math.max(...policy.delays)).toBeLessThanOrEqual(2500);
    expect(policy.delays.reduce((a, b) => a + b, 0)).toBeLessThan(8000);
    expect(attempts).toBe(policy.delays.length + 1);
    await outcome.catch((failure: Failure) => expect(failure.message).toMatch(/after \d+ attempt/));
  });

  it('does not retry errors that are not safe to retry', async () => {
    const policy = fakePolicy();
    let attempts = 0;
    await expect(
      callTwilio(
        'redirect',
        async () => {
          attempts += 1;
          throw restError(500, 20500);
        },
        policy,
      ),
    ).rejects.toMatchObject({ kind: 'upstream' });
    expect(attempts).toBe(1);
  });
});

describe('failureOf', () => {
  it.each([
    [restError(404, 20404), 'not-found'],
    [restError(401, 20003), 'misconfigured'],
    [restError(400, 21220, 'Call is not in-progress. Cannot redirect.'), 'conflict'],
    [restError(400, 21211, 'Invalid To number'), 'upstream'],
    [restError(500, 20500), 'upstream'],
    [networkError('ENOTFOUND'), 'upstream'],
    // Sent, and no answer within the client's timeout: Twilio may have acted (answered 504).
    [networkError('ECONNABORTED'), 'outcome-unknown'],
    [networkError('ETIMEDOUT'), 'outcome-unknown'],
  ])('%p is a %s failure', (error, kind) => {
    expect(failureOf('do it', error).kind).toBe(kind);
  });

  it("keeps Twilio's code, message and link", () => {
    expect(failureOf('redirect', restError(400, 21220, 'Call is not in-progress. Cannot redirect.')).twilio).toEqual({
      status: 400,
      code: 21220,
      message: 'Call is not in-progress. Cannot redirect.',
      moreInfo: 'https://www.twilio.com/docs/errors/21220',
    });
  });
});

describe('the invocation budget', () => {
  afterEach(() => jest.useRealTimers());

  it('makes all the requests of one invocation share one deadline', async () => {
    // Each request alone may retry for 8 s; inside a 300 ms invocation budget, two of them
    // together give up at 300 ms. Fake timers drive both Date.now and the backoff sleeps.
    jest.useFakeTimers();
    const clock = {
      ...fakePolicy(),
      now: Date.now,
      sleep: (ms: number) => new Promise<void>((done) => setTimeout(done, ms)),
      baseDelayMs: 20,
      maxDelayMs: 40,
    };
    let attempts = 0;
    const alwaysLimited = () =>
      callTwilio(
        'do it',
        async () => {
          attempts += 1;
          throw restError(429, 20429);
        },
        clock,
      );
    const started = Date.now();
    const outcomes: unknown[] = [];
    let finishedAt = Infinity;
    const invocation = withinInvocationBudget(async () => {
      outcomes.push(await alwaysLimited().catch((failure: unknown) => failure));
      outcomes.push(await alwaysLimited().catch((failure: unknown) => failure));
      finishedAt = Date.now();
    }, 300);
    await jest.advanceTimersByTimeAsync(10_000);
    await invocation;
    expect(outcomes).toEqual([expect.objectContaining({ kind: 'upstream' }), expect.objectContaining({ kind: 'upstream' })]);
    expect(finishedAt - started).toBeLessThanOrEqual(300);
    // 20 ms, then 40 ms steps until 300 ms: a handful of attempts, not 8 s worth of them.
    expect(attempts).toBeLessThan(15);
  });
});

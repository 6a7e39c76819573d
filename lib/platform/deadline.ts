// Waiting for work no longer than a given time, for the places where a Function must answer inside
// Twilio's 10 s limit whatever a slow request does (a read-back, bookkeeping, a list read). The
// work is not cancelled: it runs on, and its result is simply not waited for.

export type Settled<T> = { done: true; value: T } | { done: false };

/** The work's value if it settles within `ms`; `{ done: false }` if not. A rejection is passed on. */
export async function settleWithin<T>(work: Promise<T>, ms: number): Promise<Settled<T>> {
  let timer: NodeJS.Timeout | undefined;
  const late = new Promise<Settled<T>>((resolve) => (timer = setTimeout(() => resolve({ done: false }), Math.max(0, ms))));
  try {
    return await Promise.race([work.then((value): Settled<T> => ({ done: true, value })), late]);
  } finally {
    clearTimeout(timer);
  }
}

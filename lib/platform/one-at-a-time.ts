// Runs the requests of one key (a call) one after another within this process, in arrival order.
// Hold and resume of a conference participant are one update each; Twilio applies them in the
// order they reach it, and each answer reports the state right after its own update. Sending one
// call's updates one at a time makes the order of our answers the order Twilio applied them, so
// the last answer given is the call's state (tests/e2e/conference-burst.test.ts). Across processes
// (several deployed instances) this does not hold: docs/reliability.md, "Concurrent hold and unhold".
//
// Each function is built into its own bundle (scripts/build.ts), so /hold and /unhold each carry a
// copy of this module; the queues live on the process's global object, under one registered
// symbol, so that a hold and a resume of one call served by one process wait for each other too.
const TAILS = Symbol.for('call-hold.one-at-a-time');
const registry = globalThis as typeof globalThis & { [TAILS]?: Map<string, Promise<void>> };
const tails = (registry[TAILS] ??= new Map<string, Promise<void>>());

export async function oneAtATime<T>(key: string, run: () => Promise<T>): Promise<T> {
  const previous = tails.get(key) ?? Promise.resolve();
  const current = previous.then(run);
  const tail = current.then(
    () => undefined,
    () => undefined,
  );
  tails.set(key, tail);
  try {
    return await current;
  } finally {
    if (tails.get(key) === tail) tails.delete(key);
  }
}

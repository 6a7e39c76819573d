// fast-check generators of step sequences. Plain data (arrays of commands), so fast-check shrinks
// them by dropping steps and simplifying each (fewer faults, shorter clock advances, no SIDs).
import fc from 'fast-check';
import type { Command, Fault, Mode, Party, RetryableFault, Sequence } from './model';

/** The longest sequence; kept short so 200 sequences per mode fit in a few minutes. */
export const MAX_COMMANDS = 10;

const party: fc.Arbitrary<Party> = fc.constantFrom<Party>('caller', 'agent');

// Faults are rare and short: retry backoff sleeps on the real clock (up to 200 ms, then 400 ms).
const retryableFault: fc.Arbitrary<RetryableFault> = fc.oneof(
  { weight: 12, arbitrary: fc.constant({ kind: 'none' } as const) },
  {
    weight: 1,
    arbitrary: fc.record({
      kind: fc.constant('retryable' as const),
      status: fc.constantFrom<429 | 503>(429, 503),
      count: fc.constantFrom<1 | 2>(1, 2),
    }),
  },
);

const fault: fc.Arbitrary<Fault> = fc.oneof(
  { weight: 10, arbitrary: retryableFault },
  {
    weight: 2,
    // 1-4: the API's own requests (at most 3) and the first requests of the webhooks that follow.
    arbitrary: fc.record({ kind: fc.constant('error500' as const), nth: fc.integer({ min: 1, max: 4 }) }),
  },
);

function control(mode: Mode): fc.Arbitrary<Command> {
  return fc.record({
    type: fc.constantFrom<'hold' | 'unhold'>('hold', 'unhold'),
    // Dial mode takes no Participant (it always holds the caller).
    participant: mode === 'conference' ? fc.constantFrom<Party | undefined>(undefined, 'caller', 'agent') : fc.constant(undefined),
    withSid: fc.boolean(),
    fault,
  }, { requiredKeys: ['type', 'withSid', 'fault'] });
}

const hangup: fc.Arbitrary<Command> = fc.record({ type: fc.constant('hangup' as const), party, fault: retryableFault });

// 0-10 minutes of virtual time, often short (within the hold announcement, the goodbye, ...).
const advance: fc.Arbitrary<Command> = fc.record({
  type: fc.constant('advance' as const),
  ms: fc.oneof(fc.integer({ min: 0, max: 5_000 }), fc.integer({ min: 0, max: 600_000 })),
});

export function commandArb(mode: Mode): fc.Arbitrary<Command> {
  return fc.oneof(
    { weight: 6, arbitrary: control(mode) },
    { weight: 2, arbitrary: advance },
    { weight: 1, arbitrary: hangup },
  );
}

export function sequenceArb(mode: Mode): fc.Arbitrary<Sequence> {
  return fc.record({
    // Mostly a connected call; sometimes the agent's phone still rings (answers after 2 s).
    startRinging: fc.oneof({ weight: 3, arbitrary: fc.constant(false) }, { weight: 1, arbitrary: fc.constant(true) }),
    commands: fc.array(commandArb(mode), { minLength: 1, maxLength: MAX_COMMANDS }),
    finalHangup: party,
  });
}

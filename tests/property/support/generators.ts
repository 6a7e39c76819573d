// fast-check generators of step sequences. Plain data (arrays of commands), so fast-check shrinks
// them by dropping steps and simplifying each (fewer faults, shorter clock advances, no SIDs).
import fc from 'fast-check';
import {
  WEBHOOK_TARGETS,
  type Command,
  type ControlCommand,
  type Fault,
  type Mode,
  type Party,
  type RetryableFault,
  type Sequence,
  type WebhookFault,
} from './model';

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

// The functions this mode has (dial mode has no /hold-music webhook: its music is the file).
const DIAL_TARGETS = new Set(['all', '/agent-hold-loop', '/hold-queue-ended', '/agent-leg-status']);
const CONFERENCE_TARGETS = new Set(['all', '/hold-music', '/agent-status', '/agent-alone']);

function webhookFault(mode: Mode): fc.Arbitrary<WebhookFault> {
  const target = fc.constantFrom(...WEBHOOK_TARGETS.filter((t) => (mode === 'dial' ? DIAL_TARGETS : CONFERENCE_TARGETS).has(t)));
  return fc.oneof(
    { weight: 6, arbitrary: fc.constant({ kind: 'none' } as const) },
    { weight: 2, arbitrary: fc.record({ kind: fc.constant('fail' as const), target }) },
    {
      weight: 1,
      arbitrary: fc.record({ kind: fc.constant('slow' as const), target, latencyMs: fc.constantFrom<5_000 | 16_000>(5_000, 16_000) }),
    },
  );
}

function request(mode: Mode): fc.Arbitrary<Pick<ControlCommand, 'type' | 'participant' | 'withSid'>> {
  return fc.record(
    {
      type: fc.constantFrom<'hold' | 'unhold'>('hold', 'unhold'),
      // Dial mode takes no Participant (it always holds the caller).
      participant: mode === 'conference' ? fc.constantFrom<Party | undefined>(undefined, 'caller', 'agent') : fc.constant(undefined),
      withSid: fc.boolean(),
    },
    { requiredKeys: ['type', 'withSid'] },
  );
}

function control(mode: Mode): fc.Arbitrary<Command> {
  return fc.tuple(request(mode), fault, webhookFault(mode)).map(([r, f, w]) => ({ ...r, fault: f, webhookFault: w }));
}

// The functions down for 5-60 s: shorter than any hold (docs/reliability.md).
const outage: fc.Arbitrary<Command> = fc.record({ type: fc.constant('outage' as const), ms: fc.integer({ min: 5_000, max: 60_000 }) });

function burst(mode: Mode): fc.Arbitrary<Command> {
  return fc.record({ type: fc.constant('burst' as const), requests: fc.array(request(mode), { minLength: 2, maxLength: 8 }) });
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
    { weight: 1, arbitrary: outage },
    { weight: 1, arbitrary: burst(mode) },
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

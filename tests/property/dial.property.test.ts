// Property-based test of dial mode, end to end: random sequences of hold and unhold
// (with and without AgentCallSid or the AgentHandle of an earlier answer), hang-ups, clock advances, REST faults,
// failed and slow webhooks, outages of the functions and bursts of concurrent requests, starting from a
// connected call or one whose agent still rings,
// each on a fresh call through the emulator and the BUILT functions under the real twilio-run.
// The model, generators and invariants are in ./support. Needs `npm run build` first.
// Replay a failure with the seed and path it prints: FC_SEED=... FC_PATH=... npx jest tests/property/dial
import { startE2e, type E2eHarness } from '../../harness/e2e';
import { checkProperty } from './support/runner';

const TIME_LIMIT_MS = 9 * 60_000;

let h: E2eHarness;

beforeAll(async () => {
  h = await startE2e({ mode: 'dial' });
});

afterAll(async () => {
  await h?.close();
});

it(
  'dial mode: no sequence of hold, unhold, hang-ups, clock advances, REST and webhook faults, outages and bursts breaks the invariants',
  () => checkProperty(() => h, 'dial', TIME_LIMIT_MS),
  TIME_LIMIT_MS + 60_000,
);

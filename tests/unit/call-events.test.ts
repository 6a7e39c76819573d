// The bookkeeping's deadline (lib/state/call-events.ts): a step whose Sync never answers does not
// hold up the webhook that started it past BOOKKEEPING_DEADLINE_MS, and is not waited for until the
// Sync request's own timeout either: when the step resolves, the request is still open on a Sync
// that has not answered. Real HTTP to the recording stand-in, told never to answer.
import twilio from 'twilio';
import type { HoldContext } from '../../lib/platform/env';
import { withinInvocationBudget } from '../../lib/platform/twilio-request';
import { recordCallEvent } from '../../lib/state/call-events';
import { startFakeTwilioApi, type FakeTwilioApi } from '../support/fake-twilio-api';

const CALLER = 'CA' + '1'.repeat(32);

describe('bookkeeping deadline', () => {
  let api: FakeTwilioApi;
  beforeAll(async () => {
    api = await startFakeTwilioApi(() => 'hang');
    api.syncRoute = () => 'hang';
  });
  afterAll(() => api.close());

  it('answers while the Sync request it started is still unanswered, and logs that it did not wait', async () => {
    const context = {
      ACCOUNT_SID: 'AC' + 'a'.repeat(32),
      AUTH_TOKEN: 'b'.repeat(32),
      TWILIO_API_BASE_URL: api.url,
      AGENT_NUMBER: '+15550100001',
      getTwilioClient: (options: object) => twilio('AC' + 'a'.repeat(32), 'b'.repeat(32), options),
    } as unknown as HoldContext;
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      await withinInvocationBudget(() => recordCallEvent(context, CALLER, { kind: 'hold-started', at: new Date() }));
      expect([...api.requests, ...api.syncRequests]).toHaveLength(1);
      expect(api.syncRequests[0].path).toContain(`/Maps/hold-calls/Items/${CALLER}`);
      // Not aborted yet: the step was given up at the deadline, not at the request's 1.5 s timeout.
      expect(api.unanswered()).toEqual(api.syncRequests);
      expect(errors.mock.calls.map((c) => c.join(' '))).toEqual([expect.stringMatching(/within (49\d|500) ms: the answer does not wait/)]);
    } finally {
      errors.mockRestore();
    }
  });
});

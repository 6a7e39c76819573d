// GET /calls answers inside Twilio's 10 s Function limit whatever a read does: a read still in
// flight when the invocation's budget runs out is given up (logged), and the list is answered
// without it. Here the budget is 400 ms instead of 8 s, and Twilio's state never answers.
import { handleCallsRequest, type CallsAnswer } from '../../lib/calls-endpoint';
import { withinInvocationBudget } from '../../lib/platform/twilio-request';
import { functionContext } from '../support/invoke-function';
import { startTwilioProxy, type FakeTwilioApi } from '../support/fake-twilio-api';
import { ACCOUNT_SID, AUTH_TOKEN, startEmulatedTwilio, type EmulatedTwilio } from '../support/emulated-twilio';

let emulated: EmulatedTwilio;
let api: FakeTwilioApi;
beforeAll(async () => {
  // The Voice API (Twilio's state of the live calls) never answers, injected in front of the
  // emulator (its latency fault is a real timer that would outlive the test); Sync, the emulator's, has no records.
  emulated = await startEmulatedTwilio();
  api = await startTwilioProxy(emulated.url, () => 'hang');
});
afterAll(async () => {
  await api.close();
  await emulated.close();
});

describe.each(['conference', 'dial'])('GET /calls in %s mode, with a read that never answers', (mode) => {
  it('answers at the end of the invocation budget without that read, and says so', async () => {
    const errors = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const context = functionContext({
        ACCOUNT_SID,
        AUTH_TOKEN,
        TWILIO_API_BASE_URL: api.url,
        AGENT_NUMBER: '+15550100001',
        HOLD_API_TOKEN: 't',
        HOLD_MODE: mode,
      });
      const event = { request: { headers: { authorization: 'Bearer t' } } };
      const reply = await withinInvocationBudget(() => handleCallsRequest(context, event), 400);
      const answer = (reply as unknown as { body: CallsAnswer }).body;
      expect(answer).toMatchObject({ calls: [], recordsAvailable: true, liveStateAvailable: false });
      // Given up at the budget (this message), not at the Voice API client's own 5 s request timeout.
      expect(errors.mock.calls.map((c) => c.join(' '))).toContainEqual(
        expect.stringMatching(/could not read Twilio's state of the live calls within the invocation's time/),
      );
    } finally {
      errors.mockRestore();
    }
  });
});

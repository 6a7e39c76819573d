// The REST client is made by context.getTwilioClient() on the first request that needs one, then
// kept for the container's next invocations (lib/platform/twilio-client.ts).
import type { Twilio } from 'twilio';
import { twilioClient } from '../../lib/platform/twilio-client';
import type { HoldContext, HoldEnv } from '../../lib/platform/env';

function contextWith(env: HoldEnv, made: object[]): HoldContext {
  return {
    ...env,
    getTwilioClient: () => {
      const client = { api: { baseUrl: 'https://api.twilio.com' }, sync: { baseUrl: 'https://sync.twilio.com' } };
      made.push(client);
      return client as unknown as Twilio;
    },
  } as unknown as HoldContext;
}

const ENV = { ACCOUNT_SID: 'AC' + 'a'.repeat(32), AUTH_TOKEN: 'b'.repeat(32) };

describe('twilioClient', () => {
  it('makes one client and keeps it for the next invocations with the same settings', () => {
    const made: object[] = [];
    const first = twilioClient(contextWith({ ...ENV, TWILIO_API_BASE_URL: 'http://127.0.0.1:1/' }, made));
    const second = twilioClient(contextWith({ ...ENV, TWILIO_API_BASE_URL: 'http://127.0.0.1:1' }, made));
    expect(second).toBe(first);
    expect(made).toHaveLength(1);
    expect(first.api.baseUrl).toBe('http://127.0.0.1:1');
    expect(first.sync.baseUrl).toBe('http://127.0.0.1:1');
  });

  it.each([
    ['account', { ACCOUNT_SID: 'AC' + 'c'.repeat(32) }],
    ['auth token', { AUTH_TOKEN: 'd'.repeat(32) }],
    ['API base URL', { TWILIO_API_BASE_URL: 'http://127.0.0.1:2' }],
  ])('makes a new client when the %s changes', (_, change) => {
    const made: object[] = [];
    const before = twilioClient(contextWith({ ...ENV, TWILIO_API_BASE_URL: 'http://127.0.0.1:1' }, made));
    const after = twilioClient(contextWith({ ...ENV, TWILIO_API_BASE_URL: 'http://127.0.0.1:1', ...change }, made));
    expect(after).not.toBe(before);
  });

  it('keeps no client that could not be made', () => {
    const failing = {
      ...ENV,
      ACCOUNT_SID: 'AC' + 'e'.repeat(32),
      getTwilioClient: () => {
        throw new Error('bad sid\nbanner');
      },
    };
    expect(() => twilioClient(failing as unknown as HoldContext)).toThrow(/cannot create the Twilio client: bad sid \(check/);
    const made: object[] = [];
    twilioClient(contextWith({ ...ENV, ACCOUNT_SID: 'AC' + 'e'.repeat(32) }, made));
    expect(made).toHaveLength(1);
  });
});

// One emulator + one webhook server + the REAL twilio SDK pointed at the emulator, per test file.
import twilio from 'twilio';
import { type Emulator, type EmulatorOptions, startEmulator } from '../../../emulator';
import { WebhookServer } from './webhook-server';

export const BUSINESS = '+15550100000';
export const CALLER = '+15551230000';
export const AGENT = '+15550100001';
export const ACCOUNT_SID = 'AC' + 'a'.repeat(32);
export const AUTH_TOKEN = 'test-auth-token';

export interface Harness {
  emu: Emulator;
  web: WebhookServer;
  client: twilio.Twilio;
  close(): Promise<void>;
}

export async function startHarness(options: EmulatorOptions = {}): Promise<Harness> {
  const web = await WebhookServer.start();
  const emu = await startEmulator({
    accountSid: ACCOUNT_SID,
    authToken: AUTH_TOKEN,
    clock: 'virtual',
    numbers: [{ phoneNumber: BUSINESS, voiceUrl: web.url('/incoming'), voiceMethod: 'POST' }],
    defaultParty: { behavior: 'answer', afterMs: 2000 },
    callsPerSecond: 0,
    // Every REST response these tests see is checked against Twilio's OpenAPI response schemas;
    // close() fails the test on the first one that does not match.
    validateResponses: true,
    ...options,
  });
  const client = twilio(ACCOUNT_SID, AUTH_TOKEN);
  client.api.baseUrl = emu.url;
  return {
    emu,
    web,
    client,
    close: async () => {
      const violations = emu.responseViolations();
      await emu.close();
      await web.close();
      if (violations.length > 0)
        throw new Error(`REST responses that do not match Twilio's OpenAPI schemas:\n${JSON.stringify(violations, null, 2)}`);
    },
  };
}

// POST /test-calls exists for the local emulator only: on a deployment (no TWILIO_API_BASE_URL) it
// answers 404 and does nothing. Its flows against the emulator are in tests/browser/console.test.ts;
// here, that it gives the emulator's control API the token npm start sets (EMULATOR_CONTROL_TOKEN).
import { handler } from '../../functions/test-calls';
import { handler as callsHandler } from '../../functions/calls';
import { startEmulator } from '../../emulator';
import { runsOnEmulator } from '../../lib/calls-endpoint';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';

const TOKEN = 'unit-test-hold-api-token';
const deployed = functionContext({ ACCOUNT_SID: 'AC' + '0'.repeat(31) + '1', AUTH_TOKEN: 'x'.repeat(32), HOLD_API_TOKEN: TOKEN });

describe('POST /test-calls and the emulator flag of GET /calls', () => {
  it('on a deployment: 404 in words, whatever is asked', async () => {
    const reply = await invokeFunction(handler, deployed, { Action: 'place-call', ...bearer(TOKEN) });
    expect(reply.statusCode).toBe(404);
    expect(reply.body).toEqual({ error: 'not-found', message: 'test calls exist only on the local emulator' });
    expect(runsOnEmulator(deployed)).toBe(false);
    expect(runsOnEmulator(functionContext({ TWILIO_API_BASE_URL: 'http://127.0.0.1:3001' }))).toBe(true);
  });

  it('needs the token first, like /hold', async () => {
    for (const fn of [handler, callsHandler]) {
      const reply = await invokeFunction(fn, deployed, { Action: 'place-call', ...bearer('wrong') });
      expect(reply.statusCode).toBe(401);
    }
  });

  it('refuses an unknown action or a malformed CallSid with 400, before reaching the emulator', async () => {
    const emulated = functionContext({ HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: 'http://127.0.0.1:9' });
    expect((await invokeFunction(handler, emulated, { Action: 'explode', ...bearer(TOKEN) })).statusCode).toBe(400);
    expect((await invokeFunction(handler, emulated, { Action: 'hang-up', CallSid: 'CA123', ...bearer(TOKEN) })).statusCode).toBe(400);
  });

  it('answers 502 in words when the emulator cannot be reached', async () => {
    const emulated = functionContext({ HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: 'http://127.0.0.1:9' });
    // The function logs the failure (expected here): kept out of the test output, and checked.
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const reply = await invokeFunction(handler, emulated, { Action: 'place-call', ...bearer(TOKEN) });
    expect(logged).toHaveBeenCalledWith(expect.stringMatching(/^could not reach the emulator/));
    logged.mockRestore();
    expect(reply.statusCode).toBe(502);
    expect(reply.body).toMatchObject({ error: 'upstream', message: expect.stringMatching(/^could not reach the emulator/) });
  });

  it("sends EMULATOR_CONTROL_TOKEN to the emulator's control API: placed with it, 502 in words with a wrong one", async () => {
    const emu = await startEmulator({
      clock: 'virtual',
      controlToken: 'unit-emulator-control-token',
      numbers: [{ phoneNumber: '+15550100000', voiceUrl: 'http://127.0.0.1:9/incoming-call', voiceMethod: 'POST' }],
    });
    const logged = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    try {
      const context = (controlToken: string) =>
        functionContext({ HOLD_API_TOKEN: TOKEN, TWILIO_API_BASE_URL: emu.url, EMULATOR_CONTROL_TOKEN: controlToken });
      const placed = await invokeFunction(handler, context('unit-emulator-control-token'), { Action: 'place-call', ...bearer(TOKEN) });
      expect(placed.statusCode).toBe(200);
      expect(emu.call((placed.body as { callSid: string }).callSid)).toBeDefined();
      const refused = await invokeFunction(handler, context('not-the-token'), { Action: 'place-call', ...bearer(TOKEN) });
      expect(refused.statusCode).toBe(502);
      expect(refused.body).toMatchObject({ error: 'upstream', message: expect.stringMatching(/EMULATOR_CONTROL_TOKEN/) });
    } finally {
      logged.mockRestore();
      await emu.close();
    }
  });
});

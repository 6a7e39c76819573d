// Every function that Twilio calls checks X-Twilio-Signature in our own code (twilio-run does not
// enforce .protected). This suite enumerates functions/*.protected.ts, so a webhook added later is
// covered without anybody remembering to add it here.
import { readdirSync } from 'node:fs';
import { join } from 'node:path';
import fc from 'fast-check';
import { getExpectedTwilioSignature } from 'twilio/lib/webhooks/webhooks';
import { functionUrl } from '../../lib/platform/function-url';
import { twilioSignature } from '../../lib/platform/twilio-signature';
import { ACCOUNT_SID, AUTH_TOKEN, startEmulatedTwilio, type EmulatedTwilio } from '../support/emulated-twilio';
import { functionContext, invokeFunction, webhookEvent, type FunctionReply } from '../support/invoke-function';
import type { HoldContext } from '../../lib/platform/env';

const FUNCTIONS = join(__dirname, '..', '..', 'functions');
const sourceFiles = readdirSync(FUNCTIONS).filter((name) => name.endsWith('.ts') && !name.endsWith('.d.ts'));
const webhookFiles = sourceFiles.filter((name) => name.endsWith('.protected.ts'));

type Handler = Parameters<typeof invokeFunction>[0];
// eslint-disable-next-line @typescript-eslint/no-require-imports -- every function file, found at run time
const handlerOf = (file: string): Handler => (require(join(FUNCTIONS, file)) as { handler: Handler }).handler;
const pathOf = (file: string): string => `/${file.replace(/\.protected\.ts$/, '').replace(/\.ts$/, '')}`;

const CALLER = 'CA' + '1'.repeat(32);
const AGENT = 'CA' + '2'.repeat(32);
/** Parameters as Twilio sends them, plus every query parameter our webhook URLs carry. */
const PARAMS: Record<string, string> = {
  AccountSid: ACCOUNT_SID,
  CallSid: AGENT,
  CallStatus: 'busy',
  From: '+15551230000',
  To: '+15550100000',
  CallerCallSid: CALLER,
  AgentCallSid: AGENT,
  Waited: 'true',
  DialCallSid: AGENT,
  DialCallStatus: 'completed',
  QueueResult: 'hangup',
  QueueSid: 'QU' + '3'.repeat(32),
};

let api: EmulatedTwilio;
beforeEach(async () => {
  api = await startEmulatedTwilio();
  jest.spyOn(console, 'log').mockImplementation(() => undefined);
  jest.spyOn(console, 'error').mockImplementation(() => undefined);
});
afterEach(async () => {
  jest.restoreAllMocks();
  await api.close();
});

function contextFor(file: string, domain = 'localhost:3000'): HoldContext {
  return functionContext(
    {
      ACCOUNT_SID: ACCOUNT_SID,
      AUTH_TOKEN: AUTH_TOKEN,
      TWILIO_API_BASE_URL: api.url,
      AGENT_NUMBER: '+15550100001',
      HOLD_API_TOKEN: 't',
      AGENT_SCREENING: 'off',
      LINE_MAX_WAIT_SECONDS: '0',
    },
    domain,
    pathOf(file),
  );
}

function withHeaders(params: Record<string, string>, headers: Record<string, string>) {
  return { ...params, request: { headers, cookies: {} } };
}

function expectRefused(reply: FunctionReply): void {
  expect(reply.statusCode).toBe(403);
  expect(reply.body).toMatchObject({ error: 'forbidden' });
  expect(api.requests()).toEqual([]);
}

describe('the signature', () => {
  it('is the one twilio-node computes, for any URL and parameters', () => {
    fc.assert(
      fc.property(
        fc.webUrl({ withQueryParameters: true }),
        fc.dictionary(fc.string(), fc.string()),
        fc.string({ minLength: 1 }),
        (url, params, token) => {
          expect(twilioSignature(token, url, params)).toBe(getExpectedTwilioSignature(token, url, params));
        },
      ),
    );
  });

  it('covers our query parameters in one order, whatever order they were given in', () => {
    const context = { DOMAIN_NAME: 'localhost:3000' };
    expect(functionUrl(context, '/agent-alone', { Waited: 'true', CallerCallSid: CALLER })).toBe(
      functionUrl(context, '/agent-alone', { CallerCallSid: CALLER, Waited: 'true' }),
    );
  });
});

describe('every functions/*.protected.ts is a signed webhook, and nothing else is', () => {
  it('finds the webhooks', () => {
    // 8 since dial mode dropped /dial-ended, /agent-dial-ended and /hold-queue-dequeued and added /agent-rejoin-hold.
    expect(webhookFiles.length).toBeGreaterThanOrEqual(8);
  });

  it.each(sourceFiles)('%s: a webhook exactly when it is .protected', (file) => {
    expect(Boolean((handlerOf(file) as { twilioWebhook?: boolean }).twilioWebhook)).toBe(file.endsWith('.protected.ts'));
  });
});

describe.each(webhookFiles)('%s refuses what Twilio did not sign: 403 and no REST request', (file) => {
  const handler = handlerOf(file);

  it('unsigned', async () => {
    expectRefused(await invokeFunction(handler, contextFor(file), withHeaders(PARAMS, {})));
  });

  it('signed with another Auth Token', async () => {
    const context = contextFor(file);
    const forged = webhookEvent({ ...context, AUTH_TOKEN: 'another-accounts-token' } as HoldContext, PARAMS);
    expectRefused(await invokeFunction(handler, context, forged));
  });

  it("signed for another function's URL", async () => {
    const other = webhookFiles.find((name) => name !== file)!;
    const forged = webhookEvent(contextFor(other), PARAMS);
    expectRefused(await invokeFunction(handler, contextFor(file), forged));
  });

  it("signed for another deployment's domain", async () => {
    const forged = webhookEvent(contextFor(file, 'someone-else-1234.twil.io'), PARAMS);
    expectRefused(await invokeFunction(handler, contextFor(file), forged));
  });

  it.each(['CallSid', 'CallerCallSid', 'AgentCallSid', 'CallStatus'])('replayed with another %s', async (name) => {
    const signed = webhookEvent(contextFor(file), PARAMS);
    expectRefused(await invokeFunction(handler, contextFor(file), { ...signed, [name]: 'CA' + '9'.repeat(32) }));
  });

  it('replayed with a parameter added', async () => {
    const signed = webhookEvent(contextFor(file), PARAMS);
    expectRefused(await invokeFunction(handler, contextFor(file), { ...signed, Digits: '1' }));
  });

  it('with a JSON body (Twilio only sends form fields)', async () => {
    const signed = webhookEvent(contextFor(file), PARAMS);
    expectRefused(await invokeFunction(handler, contextFor(file), { ...signed, Nested: { CallSid: CALLER } }));
  });

  it('but answers the same request when Twilio signed it', async () => {
    const reply = await invokeFunction(handler, contextFor(file), PARAMS);
    expect(reply.statusCode).not.toBe(403);
  });
});

describe('the URL as Twilio signed it', () => {
  const file = 'hold-music.protected.ts';
  const handler = handlerOf(file);
  const sign = (url: string) => twilioSignature(AUTH_TOKEN, url, { CallSid: AGENT });

  it('deployed: https://DOMAIN_NAME + PATH', async () => {
    const context = contextFor(file, 'call-hold-1234-dev.twil.io');
    const event = withHeaders({ CallSid: AGENT }, { 'x-twilio-signature': sign('https://call-hold-1234-dev.twil.io/hold-music') });
    expect((await invokeFunction(handler, context, event)).statusCode).toBe(200);
  });

  it('behind twilio-run --ngrok (DOMAIN_NAME stays localhost): the Host the tunnel forwarded, over https', async () => {
    const event = withHeaders(
      { CallSid: AGENT },
      { host: 'abc123.ngrok-free.app', 'x-twilio-signature': sign('https://abc123.ngrok-free.app/hold-music') },
    );
    expect((await invokeFunction(handler, contextFor(file), event)).statusCode).toBe(200);
  });

  it("behind --ngrok, the URLs handed to Twilio are built on the tunnel's host, not on localhost", async () => {
    const file = 'incoming-call.protected.ts';
    const params = { CallSid: CALLER, To: '+15550100000', From: '+15551230000' };
    const url = 'https://abc123.ngrok-free.app/incoming-call';
    const event = withHeaders(params, { host: 'abc123.ngrok-free.app', 'x-twilio-signature': twilioSignature(AUTH_TOKEN, url, params) });
    const reply = await invokeFunction(handlerOf(file), contextFor(file), event);
    expect(reply.statusCode).toBe(200);
    const [addAgent] = api.requests();
    expect(addAgent.form.get('StatusCallback')).toBe(`https://abc123.ngrok-free.app/agent-status?CallerCallSid=${CALLER}`);
    expect(addAgent.form.get('WaitUrl')).toBe(`https://abc123.ngrok-free.app/agent-alone?CallerCallSid=${CALLER}`);
    expect(String(reply.body)).toContain('https://abc123.ngrok-free.app/hold-music');
  });

  it('deployed, a Host header is not trusted (the runtime does not pass one; a forged one changes nothing)', async () => {
    const context = contextFor(file, 'call-hold-1234-dev.twil.io');
    const event = withHeaders(
      { CallSid: AGENT },
      { host: 'evil.example.com', 'x-twilio-signature': sign('https://evil.example.com/hold-music') },
    );
    expectRefused(await invokeFunction(handler, context, event));
  });

  it('a GET (Twilio signs its parameters into the query, which cannot be rebuilt) is refused: every webhook we configure is POST', async () => {
    const url = `http://localhost:3000/hold-music?CallSid=${AGENT}`;
    const event = withHeaders({ CallSid: AGENT }, { 'x-twilio-signature': twilioSignature(AUTH_TOKEN, url, {}) });
    expectRefused(await invokeFunction(handler, contextFor(file), event));
  });

  it('without AUTH_TOKEN nothing can be checked: 500 misconfigured, never open', async () => {
    const context = { ...contextFor(file), AUTH_TOKEN: '' } as HoldContext;
    const reply = await invokeFunction(
      handler,
      context,
      withHeaders({ CallSid: AGENT }, { 'x-twilio-signature': sign('http://localhost:3000/hold-music') }),
    );
    expect(reply.statusCode).toBe(500);
  });
});

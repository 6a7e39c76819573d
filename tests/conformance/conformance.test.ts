// The conformance suite's offline twin: every scenario, run against the emulator through the real
// SDK and real webhooks exactly as `npm run conformance -- --live` runs it against Twilio. It
// proves the scenario code (and its clean-up) and pins what the emulator does for each rule.
import { EmulatorTarget } from '../../conformance/emulator-target';
import { PassThrough } from 'node:stream';
import { LiveTarget, confirmLiveRun, liveConfig, servesRealCallers } from '../../conformance/live-target';
import { ruleById } from '../../conformance/rules';
import { SCENARIOS, totalCost } from '../../conformance/scenarios';
import { compare, renderTable, renderVerdicts, ruleVerdicts } from '../../conformance/table';
import { freePort } from '../../harness/functions-server';
import { type FakeTwilioApi, type RecordedRequest, TEST_ACCOUNT_SID, startFakeTwilioApi } from '../support/fake-twilio-api';

describe.each(SCENARIOS.map((s) => [s.id, s] as const))('conformance scenario %s', (_id, scenario) => {
  let t: EmulatorTarget;
  beforeEach(async () => {
    t = await EmulatorTarget.start();
  });
  afterEach(() => t.close());

  it(`on the emulator: ${scenario.rule}`, async () => {
    const observed = await scenario.run(t);
    expect(observed).toEqual(scenario.emulator);
    await t.cleanup();
    // It cleans up after itself: no live call, no queue of the run, every response as Twilio's.
    expect(t.emu.calls().filter((c) => ['queued', 'ringing', 'in-progress'].includes(c.status))).toEqual([]);
    expect(t.emu.queues()).toEqual([]);
    expect(t.emu.responseViolations()).toEqual([]);
  });
});

describe('every scenario states its source and cost', () => {
  it.each(SCENARIOS.map((s) => [s.id, s] as const))('%s', (_id, s) => {
    expect(s.source).toMatch(/^(https:\/\/(www\.)?twilio\.com\/|inferred: |the rules table: )/);
    expect(s.cost.legs).toBeGreaterThan(0);
    expect(s.cost.minutes).toBeGreaterThan(0);
    expect(Object.keys(s.emulator).length).toBeGreaterThan(0);
  });
  it('the ids are unique and the total is the sum', () => {
    expect(new Set(SCENARIOS.map((s) => s.id)).size).toBe(SCENARIOS.length);
    expect(totalCost(SCENARIOS).legs).toBe(SCENARIOS.reduce((n, s) => n + s.cost.legs, 0));
  });
});

describe('the live run', () => {
  const env = {
    ACCOUNT_SID: 'AC' + '1'.repeat(32),
    AUTH_TOKEN: 'x'.repeat(32),
    CONFORMANCE_CALLER_NUMBER: '+15005550006',
    CONFORMANCE_BUSINESS_NUMBER: '+15005550007',
    CONFORMANCE_PUBLIC_URL: 'https://abc.ngrok.app',
  };
  it('reads its configuration from .env', () => {
    expect(liveConfig(env)).toMatchObject({ callerNumber: '+15005550006', businessNumber: '+15005550007', port: 4599 });
  });
  it('names everything that is missing or malformed, without a stack of its own', () => {
    expect(() => liveConfig({ ...env, CONFORMANCE_PUBLIC_URL: 'http://abc/x', CONFORMANCE_BUSINESS_NUMBER: '' })).toThrow(
      /CONFORMANCE_BUSINESS_NUMBER: .*\n\s+CONFORMANCE_PUBLIC_URL: /,
    );
    expect(() => liveConfig({ ...env, CONFORMANCE_BUSINESS_NUMBER: env.CONFORMANCE_CALLER_NUMBER })).toThrow(/must differ/);
  });
  it('refuses to start, and frees its port, when the public URL does not reach the recorder', async () => {
    const config = { ...liveConfig(env), publicUrl: 'http://127.0.0.1:9', port: 0 };
    await expect(LiveTarget.open(config)).rejects.toThrow(/does not reach the recorder/);
  });
  it('compares the emulator with Twilio key by key and prints rule, emulator, Twilio, agree', () => {
    const s = SCENARIOS.find((x) => x.id === 'dial-queue-missing')!;
    const rows = compare(s, s.emulator, { ...s.emulator, DialCallStatus: 'no-answer' });
    expect(rows.map((r) => r.agree)).toEqual(Object.keys(s.emulator).map((k) => k !== 'DialCallStatus'));
    const text = renderTable(rows);
    expect(text.split('\n')[0]).toMatch(/^rule .*\| emulator .*\| Twilio .*\| agree/);
    expect(text).toMatch(/DialCallStatus: failed .*\| DialCallStatus: no-answer .*\| DISAGREE/);
  });

  it('gives a verdict per rule, judged only by the observations that judge it, and says what the product does about a failed one', () => {
    const flow = SCENARIOS.find((x) => x.id === 'dial-flow')!;
    const missing = SCENARIOS.find((x) => x.id === 'dial-queue-missing')!;
    const verdicts = ruleVerdicts([
      { scenario: flow, expected: flow.emulator, observed: { ...flow.emulator, 'hold 2: the caller is in its queue': 'no' } },
      { scenario: missing, expected: missing.emulator, observed: missing.emulator },
    ]);
    expect(verdicts.filter((v) => !v.ok).map((v) => v.rule)).toEqual(['queued-agent-redirect-ends-dial-queue']);
    expect(verdicts.map((v) => v.rule)).toEqual([...flow.rules, ...missing.rules]);
    const text = renderVerdicts(verdicts, (rule) => ruleById(rule)?.ifTwilioDisagrees);
    expect(text).toContain('PASS  child-redirect-ends-dial  (dial-flow)');
    expect(text).toContain(
      `FAIL  queued-agent-redirect-ends-dial-queue  (dial-flow)\n      what the product does about it: ${ruleById('queued-agent-redirect-ends-dial-queue')!.ifTwilioDisagrees}`,
    );
  });

  it('a scenario that failed outright (an error) fails every rule it checks', () => {
    const flow = SCENARIOS.find((x) => x.id === 'conference-flow')!;
    const verdicts = ruleVerdicts([{ scenario: flow, expected: flow.emulator, observed: { error: 'Twilio said no' } }]);
    expect(verdicts.every((v) => !v.ok)).toBe(true);
  });

  it('asks before placing calls: --yes, or y on a terminal; without a terminal it is no', async () => {
    const out = new PassThrough();
    let written = '';
    out.on('data', (c: Buffer) => {
      written += c.toString();
    });
    expect(await confirmLiveRun(true, new PassThrough(), out)).toBe(true);
    expect(await confirmLiveRun(false, new PassThrough(), out)).toBe(false);
    expect(written).toMatch(/add --yes/);
    for (const [answer, expected] of [
      ['y\n', true],
      ['yes\n', true],
      ['\n', false],
      ['n\n', false],
    ] as const) {
      const tty = Object.assign(new PassThrough(), { isTTY: true });
      const asked = confirmLiveRun(false, tty, out);
      tty.write(answer);
      expect(await asked).toBe(expected);
    }
  });

  it("takes over only a spare number: no Voice URL, Twilio's demo, or a leftover of its own run", () => {
    const publicUrl = 'https://abc.ngrok.app';
    expect(servesRealCallers('', publicUrl)).toBe(false);
    expect(servesRealCallers(null, publicUrl)).toBe(false);
    expect(servesRealCallers('https://demo.twilio.com/welcome/voice/', publicUrl)).toBe(false);
    expect(servesRealCallers(`${publicUrl}/incoming`, publicUrl)).toBe(false);
    expect(servesRealCallers('https://call-hold-1234.twil.io/incoming-call', publicUrl)).toBe(true);
    expect(servesRealCallers(`${publicUrl}.evil.example/incoming`, publicUrl)).toBe(true);
  });
});

// The live target's own steps (pointing the numbers at the recorder, restoring them, placing the
// caller's call and finding its inbound leg), against a stand-in for api.twilio.com: the only
// part of the live path that the emulator cannot run.
describe('the live target, against a stand-in for api.twilio.com', () => {
  const A = '+15005550006';
  const B = '+15005550007';
  const PN: Record<string, string> = { [A]: 'PN' + 'a'.repeat(32), [B]: 'PN' + 'b'.repeat(32) };
  const INBOUND = 'CA' + 'c'.repeat(32);
  let api: FakeTwilioApi;
  let port: number;
  let voiceUrlOf: (number: string) => string;
  const posts = (r: RecordedRequest[]) =>
    r.filter((x) => x.method === 'POST').map((x) => [x.path.split('/').pop(), Object.fromEntries(x.form)]);

  beforeEach(async () => {
    port = await freePort();
    voiceUrlOf = () => 'https://demo.twilio.com/welcome/voice/';
    api = await startFakeTwilioApi((request) => {
      if (request.path.endsWith('/IncomingPhoneNumbers.json')) {
        const number = request.query.get('PhoneNumber') ?? '';
        return {
          status: 200,
          body: {
            incoming_phone_numbers: [{ sid: PN[number], phone_number: number, voice_url: voiceUrlOf(number), voice_method: 'GET' }],
            next_page_uri: null,
            page: 0,
            page_size: 1,
          },
        };
      }
      if (request.path.endsWith('/Calls.json') && request.method === 'POST') {
        // Twilio would now request the business number's voice URL: so does the test.
        setTimeout(() => {
          void fetch(`http://127.0.0.1:${port}/incoming`, {
            method: 'POST',
            body: new URLSearchParams({ CallSid: INBOUND, From: A, To: B }),
          });
        }, 50);
        return { status: 201, body: { sid: 'CA' + 'd'.repeat(32), status: 'queued' } };
      }
      return { status: 200, body: { sid: request.path.split('/').pop()?.replace('.json', '') } };
    });
  });
  afterEach(() => api.close());

  it("points both numbers at the recorder, places the caller's call, finds its inbound leg, and restores the numbers", async () => {
    const target = await LiveTarget.open({
      accountSid: TEST_ACCOUNT_SID,
      authToken: 'x'.repeat(32),
      callerNumber: A,
      businessNumber: B,
      publicUrl: `http://127.0.0.1:${port}`,
      port,
      apiBaseUrl: api.url,
    });
    try {
      expect(posts(api.requests)).toEqual([
        [`${PN[B]}.json`, { VoiceUrl: `http://127.0.0.1:${port}/incoming`, VoiceMethod: 'POST' }],
        [`${PN[A]}.json`, { VoiceUrl: `http://127.0.0.1:${port}/agent`, VoiceMethod: 'POST' }],
      ]);
      expect(await target.placeInboundCall()).toBe(INBOUND);
      expect(posts(api.requests)[2]).toEqual(['Calls.json', { From: A, To: B, Twiml: '<Response><Pause length="120"/></Response>' }]);
      expect(await target.agent({ busy: true })).toBe(A);
    } finally {
      api.requests.length = 0;
      await target.close();
    }
    // Restored in reverse order, to exactly what they were.
    expect(posts(api.requests)).toEqual([
      [`${PN[A]}.json`, { VoiceUrl: 'https://demo.twilio.com/welcome/voice/', VoiceMethod: 'GET' }],
      [`${PN[B]}.json`, { VoiceUrl: 'https://demo.twilio.com/welcome/voice/', VoiceMethod: 'GET' }],
    ]);
  });

  it('refuses a number whose Voice URL serves real callers, before changing either number', async () => {
    voiceUrlOf = (number) => (number === A ? 'https://call-hold-1234.twil.io/incoming-call' : '');
    await expect(
      LiveTarget.open({
        accountSid: TEST_ACCOUNT_SID,
        authToken: 'x'.repeat(32),
        callerNumber: A,
        businessNumber: B,
        publicUrl: `http://127.0.0.1:${port}`,
        port,
        apiBaseUrl: api.url,
      }),
    ).rejects.toThrow(/\+15005550006 serves real callers .*nothing was changed/);
    expect(posts(api.requests)).toEqual([]);
  });
});

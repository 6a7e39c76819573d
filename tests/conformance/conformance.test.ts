// The conformance suite's offline twin: every scenario, run against the emulator through the real
// SDK and real webhooks exactly as `npm run conformance -- --live` runs it against Twilio. It
// proves the scenario code (and its clean-up) and pins what the emulator does for each rule.
import { EmulatorTarget } from '../../conformance/emulator-target';
import { LiveTarget, liveConfig } from '../../conformance/live-target';
import { SCENARIOS, totalCost } from '../../conformance/scenarios';
import { compare, renderTable } from '../../conformance/table';

describe.each(SCENARIOS.map((s) => [s.id, s] as const))('conformance scenario %s', (_id, scenario) => {
  let t: EmulatorTarget;
  beforeEach(async () => { t = await EmulatorTarget.start(); });
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
    expect(s.source).toMatch(/^(https:\/\/www\.twilio\.com\/docs\/|inferred: )/);
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
    ACCOUNT_SID: 'AC' + '1'.repeat(32), AUTH_TOKEN: 'x'.repeat(32),
    CONFORMANCE_CALLER_NUMBER: '+15005550006', CONFORMANCE_BUSINESS_NUMBER: '+15005550007',
    CONFORMANCE_PUBLIC_URL: 'https://abc.ngrok.app',
  };
  it('reads its configuration from .env', () => {
    expect(liveConfig(env)).toMatchObject({ callerNumber: '+15005550006', businessNumber: '+15005550007', port: 4599 });
  });
  it('names everything that is missing or malformed, without a stack of its own', () => {
    expect(() => liveConfig({ ...env, CONFORMANCE_PUBLIC_URL: 'http://abc/x', CONFORMANCE_BUSINESS_NUMBER: '' }))
      .toThrow(/CONFORMANCE_BUSINESS_NUMBER: .*\n\s+CONFORMANCE_PUBLIC_URL: /);
    expect(() => liveConfig({ ...env, CONFORMANCE_BUSINESS_NUMBER: env.CONFORMANCE_CALLER_NUMBER })).toThrow(/must differ/);
  });
  it('refuses to start, and frees its port, when the public URL does not reach the recorder', async () => {
    const config = { ...liveConfig(env), publicUrl: 'http://127.0.0.1:9', port: 0 };
    await expect(LiveTarget.open(config)).rejects.toThrow(/does not reach the recorder/);
  });
  it('compares the emulator with Twilio key by key and prints rule, emulator, Twilio, agree', () => {
    const s = SCENARIOS[0];
    const rows = compare(s, s.emulator, { ...s.emulator, DialCallStatus: 'no-answer' });
    expect(rows.map((r) => r.agree)).toEqual(Object.keys(s.emulator).map((k) => k !== 'DialCallStatus'));
    const text = renderTable(rows);
    expect(text.split('\n')[0]).toMatch(/^rule .*\| emulator .*\| Twilio .*\| agree/);
    expect(text).toMatch(/DialCallStatus: failed .*\| DialCallStatus: no-answer .*\| DISAGREE/);
  });
});

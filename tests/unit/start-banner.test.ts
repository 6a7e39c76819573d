// What `npm start` prints: warnings for a configuration that would fail calls or weaken the API,
// and banners that never carry the HOLD_API_TOKEN. (The banner's commands are run for real by
// tests/e2e/npm-start.test.ts.)
import { configWarnings, MIN_TOKEN_LENGTH, offlineBanner, onlineBanner, stoppedLine, type StartConfig } from '../../scripts/start-banner';

const GOOD_TOKEN = 'a'.repeat(MIN_TOKEN_LENGTH);
const base: StartConfig = { agentNumber: '+15550100001', token: GOOD_TOKEN, tokenSource: 'dotenv', dotEnvPath: '/app/.env' };

describe('configWarnings', () => {
  it('says nothing when AGENT_NUMBER is valid and the token long enough', () => {
    for (const agentNumber of ['+15550100001', 'client:alice', 'sip:agent@example.com']) {
      expect(configWarnings({ ...base, agentNumber })).toEqual([]);
    }
  });

  it('warns about an AGENT_NUMBER that is not E.164, client: or sip:', () => {
    for (const agentNumber of ['5550100001', '+1 555 010 0001', 'alice', 'client:', 'tel:+15550100001']) {
      const warnings = configWarnings({ ...base, agentNumber });
      expect(warnings).toHaveLength(1);
      expect(warnings[0]).toContain(`AGENT_NUMBER "${agentNumber}" is not an E.164 number`);
    }
  });

  it('warns about a missing AGENT_NUMBER', () => {
    expect(configWarnings({ ...base, agentNumber: undefined })[0]).toMatch(/^AGENT_NUMBER is not set/);
  });

  it('quotes at most 40 characters of a long bad AGENT_NUMBER', () => {
    const [warning] = configWarnings({ ...base, agentNumber: 'x'.repeat(500) });
    expect(warning).toContain(`"${'x'.repeat(40)}..."`);
    expect(warning.length).toBeLessThan(200);
  });

  it('warns about a token shorter than 32 characters, giving its length and never the token', () => {
    const token = 'short-secret-123';
    const warnings = configWarnings({ ...base, token });
    expect(warnings).toEqual([expect.stringContaining(`HOLD_API_TOKEN in /app/.env is ${token.length} characters long; use at least 32`)]);
    expect(warnings.join('\n')).not.toContain(token);
    expect(configWarnings({ ...base, token: 'b'.repeat(31) })).toHaveLength(1);
    expect(configWarnings({ ...base, token: 'b'.repeat(32) })).toHaveLength(0);
  });

  it('warns when no token is set (online: the API refuses every request)', () => {
    expect(configWarnings({ ...base, token: undefined, tokenSource: 'unset' })).toEqual([
      expect.stringMatching(/^HOLD_API_TOKEN is not set/),
    ]);
  });
});

describe('banners', () => {
  const secret = 'c0ffee'.repeat(6);
  const offline = offlineBanner({
    emulatorUrl: 'http://127.0.0.1:3001',
    functionsUrl: 'http://localhost:3000',
    mode: 'conference',
    agentNumber: '+15550100001',
    businessNumber: '+15550100000',
    demoCaller: '+15551230000',
    tokenSource: 'dotenv',
    dotEnvPath: '/app/.env',
    tokenFile: '/tmp/call-hold-start-x/hold-api-token',
    controlTokenFile: '/tmp/call-hold-start-x/emulator-control-token',
  });

  it('offline: names the hold console, the emulator page and where the token is, not the token', () => {
    expect(offline).toContain('hold console     http://localhost:3000/index.html');
    expect(offline).toContain('emulator page    http://127.0.0.1:3001/emulator');
    expect(offline).toContain('HOLD_API_TOKEN   set, from /app/.env; not printed, it is in /tmp/call-hold-start-x/hold-api-token');
    expect(offline).toContain(
      'TOKEN=$(cat /tmp/call-hold-start-x/hold-api-token); EMULATOR_TOKEN=$(cat /tmp/call-hold-start-x/emulator-control-token)',
    );
    expect(offline).toContain('/emulator/calls -H "Authorization: Bearer $EMULATOR_TOKEN"');
    expect(offline).not.toContain('To keep the token');
    expect(offline).toContain('CALL=$(curl');
    expect(offline).toContain('-d CallSid=$CALL');
  });

  it('offline: says a generated token was generated', () => {
    const generated = offlineBanner({
      emulatorUrl: 'http://127.0.0.1:3001',
      functionsUrl: 'http://localhost:3000',
      mode: 'dial',
      agentNumber: '+15550100001',
      businessNumber: '+15550100000',
      demoCaller: '+15551230000',
      tokenSource: 'generated',
      dotEnvPath: '/app/.env',
      tokenFile: '/t/f',
      controlTokenFile: '/t/g',
    });
    expect(generated).toContain('HOLD_API_TOKEN   generated for this run (none in .env)');
    expect(generated).toContain('To keep the token across starts, set HOLD_API_TOKEN in /app/.env (openssl rand -hex 32).');
  });

  it('online: says where the token came from, and where going live is explained', () => {
    const online = onlineBanner({ port: 3000, ngrok: false, tokenSource: 'dotenv', dotEnvPath: '/app/.env' });
    expect(online).toContain('HOLD_API_TOKEN   set, from /app/.env');
    expect(online).toContain('docs/going-live.md');
    expect(online).not.toContain(secret);
    expect(onlineBanner({ port: 3000, ngrok: true, tokenSource: 'unset', dotEnvPath: '/app/.env' })).toContain('HOLD_API_TOKEN   NOT set');
  });

  it('the stop line names the freed ports', () => {
    expect(stoppedLine([3000, 3001])).toBe('Stopped: everything npm start started has exited; ports 3000 and 3001 are free.');
    expect(stoppedLine([3000])).toBe('Stopped: everything npm start started has exited; port 3000 is free.');
  });
});

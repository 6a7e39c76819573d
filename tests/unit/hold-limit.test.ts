// The hold limit (docs/hold-experience.md): what is due when, conference mode's agent timer document, the
// caller's music that never asks again, the warning's words, and the configuration's validation.
import { handler as holdWarning } from '../../functions/hold-warning.protected';
import { handler as holdMusic } from '../../functions/hold-music.protected';
import { handler as holdHandler } from '../../functions/hold';
import { handler as unholdHandler } from '../../functions/unhold';
import { holdLimitConfig } from '../../lib/shared/settings';
import { agentTimerTwiml } from '../../lib/conference/hold-limit';
import { agentLimitStep, holdWarningWords } from '../../lib/shared/hold-limit';
import { bearer, functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

const limit = { maxSeconds: 600, warningSeconds: 60 };

describe("dial mode: the agent loop's steps from QueueTime", () => {
  it('waits until the warning (minus what it says first), warns, waits until the limit, resumes', () => {
    expect(agentLimitStep(limit, 0, 'Your caller is on hold.')).toEqual({ kind: 'wait', seconds: 538 });
    expect(agentLimitStep(limit, 0)).toEqual({ kind: 'wait', seconds: 540 });
    expect(agentLimitStep(limit, 539)).toEqual({ kind: 'wait', seconds: 1 });
    expect(agentLimitStep(limit, 540)).toEqual({
      kind: 'warn',
      words: 'Your caller has been on hold for about 9 minutes.',
      thenWaitSeconds: 56,
    });
    expect(agentLimitStep(limit, 598)).toMatchObject({ kind: 'warn', thenWaitSeconds: 1 });
    expect(agentLimitStep(limit, 600)).toEqual({ kind: 'resume' });
    expect(agentLimitStep(limit, 4000)).toEqual({ kind: 'resume' });
  });

  it('words the warning like the reminders', () => {
    expect(holdWarningWords(30)).toBe('Your caller has been on hold for less than a minute.');
    expect(holdWarningWords(3700)).toBe('Your caller has been on hold for more than an hour.');
  });
});

describe("conference mode: the agent's timer document (its holdUrl while the caller is held)", () => {
  const caller = 'CA' + '1'.repeat(32);
  const context = functionContext({ HOLD_MAX_SECONDS: '600' }, 'localhost:3000', '/agent-hold-timer');
  const steps = (held: number) => parseTwiml(agentTimerTwiml(context, caller, limit, held).toString()).children;

  it('first says the caller is on hold, then silence until the warning, then asks again', () => {
    expect(steps(0).map((c) => [c.verb, c.attributes.length ?? c.text])).toEqual([
      ['Say', 'Your caller is on hold.'],
      ['Pause', '538'],
      ['Redirect', `http://localhost:3000/agent-hold-timer?CallerCallSid=${caller}&HeldFor=540`],
    ]);
  });

  it('at the warning says it to the agent, then silence until the limit', () => {
    expect(steps(540).map((c) => [c.verb, c.attributes.length ?? c.text])).toEqual([
      ['Say', 'Your caller has been on hold for about 9 minutes.'],
      ['Pause', '56'],
      ['Redirect', `http://localhost:3000/agent-hold-timer?CallerCallSid=${caller}&HeldFor=600`],
    ]);
  });

  it('a wait longer than an hour asks again after an hour', () => {
    const long = { maxSeconds: 14_400, warningSeconds: 60 };
    const children = parseTwiml(agentTimerTwiml(context, caller, long, 60).toString()).children;
    expect(children.map((c) => [c.verb, c.attributes.length ?? c.text])).toEqual([
      ['Pause', '3600'],
      ['Redirect', `http://localhost:3000/agent-hold-timer?CallerCallSid=${caller}&HeldFor=3660`],
    ]);
  });

  it('a request between the steps waits for the next one, silently', () => {
    expect(steps(300).map((c) => [c.verb, c.attributes.length ?? c.text])).toEqual([
      ['Pause', '240'],
      ['Redirect', `http://localhost:3000/agent-hold-timer?CallerCallSid=${caller}&HeldFor=540`],
    ]);
  });
});

describe('/hold-music with a limit', () => {
  it.each([{}, { HOLD_REMINDER_SECONDS: '60' }])(
    '%j: the music never asks our functions again (ends in <Play loop="0">), whatever the holdUrl names',
    async (env) => {
      const caller = 'CA' + '1'.repeat(32);
      const context = functionContext({ HOLD_MAX_SECONDS: '7200', ...env }, 'localhost:3000', '/hold-music');
      const reply = await invokeFunction(holdMusic, context, { CallSid: caller, CallerCallSid: caller, HeldFor: '0' });
      const children = parseTwiml(String(reply.body)).children;
      expect(children.map((c) => c.verb)).not.toContain('Redirect');
      expect(children.at(-1)).toMatchObject({ verb: 'Play', attributes: { loop: '0' } });
    },
  );
});

describe('/hold-warning', () => {
  it('says how long the caller has been held', async () => {
    const reply = await invokeFunction(holdWarning, functionContext({}, 'localhost:3000', '/hold-warning'), { HeldFor: '540' });
    const children = parseTwiml(String(reply.body)).children;
    expect(children.map((c) => [c.verb, c.text])).toEqual([['Say', 'Your caller has been on hold for about 9 minutes.']]);
  });
});

describe('hold limit configuration', () => {
  it('is off unless HOLD_MAX_SECONDS is set; the warning defaults to 60 s, or half a shorter limit', () => {
    expect(holdLimitConfig({})).toBeUndefined();
    expect(holdLimitConfig({ HOLD_MAX_SECONDS: '600' })).toEqual({ maxSeconds: 600, warningSeconds: 60 });
    expect(holdLimitConfig({ HOLD_MAX_SECONDS: '90' })).toEqual({ maxSeconds: 90, warningSeconds: 45 });
    expect(holdLimitConfig({ HOLD_MAX_SECONDS: '900', HOLD_WARNING_SECONDS: '120' })).toEqual({ maxSeconds: 900, warningSeconds: 120 });
  });

  it.each([
    [{ HOLD_MAX_SECONDS: '29' }, /HOLD_MAX_SECONDS must be a whole number of seconds from 30 to 14400, not "29"/],
    [{ HOLD_MAX_SECONDS: '10m' }, /HOLD_MAX_SECONDS/],
    [{ HOLD_MAX_SECONDS: '600', HOLD_WARNING_SECONDS: '600' }, /HOLD_WARNING_SECONDS \(600\) must be less than HOLD_MAX_SECONDS \(600\)/],
    [{ HOLD_MAX_SECONDS: '600', HOLD_WARNING_SECONDS: '4' }, /HOLD_WARNING_SECONDS must be a whole number of seconds from 5 to 3600/],
  ])('refuses %j as misconfigured', (env, message) => {
    expect(() => holdLimitConfig(env)).toThrow(expect.objectContaining({ kind: 'misconfigured', message: expect.stringMatching(message) }));
  });
});

describe('/hold and /unhold with a misconfigured reminder or limit', () => {
  const TOKEN = 'unit-token-0123456789';
  it.each([
    [{ HOLD_MAX_SECONDS: '600', HOLD_WARNING_SECONDS: '900' }, /HOLD_WARNING_SECONDS \(900\) must be less than HOLD_MAX_SECONDS \(600\)/],
    [{ HOLD_REMINDER_SECONDS: '5' }, /HOLD_REMINDER_SECONDS must be a whole number of seconds from 15 to 3600/],
  ])('%j: 500 misconfigured naming the setting, before any Twilio request, in both modes', async (env, message) => {
    for (const mode of ['conference', 'dial']) {
      for (const handler of [holdHandler, unholdHandler]) {
        const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
        const reply = await invokeFunction(
          handler,
          // No Twilio is reachable at this base URL: a request would fail as upstream, not misconfigured.
          functionContext({
            ...env,
            HOLD_MODE: mode,
            HOLD_API_TOKEN: TOKEN,
            AGENT_NUMBER: '+15550100001',
            ACCOUNT_SID: 'AC' + '0'.repeat(32),
            AUTH_TOKEN: 'x',
            TWILIO_API_BASE_URL: 'http://127.0.0.1:9',
          }),
          { CallSid: 'CA' + 'a'.repeat(32), ...bearer(TOKEN) },
        );
        error.mockRestore();
        expect(reply.statusCode).toBe(500);
        expect(reply.body).toMatchObject({ error: 'misconfigured', message: expect.stringMatching(message) });
      }
    }
  });
});

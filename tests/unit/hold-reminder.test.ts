// Hold reminders (docs/hold-experience.md): the words for the time held, when each reminder falls, the TwiML
// /hold-music answers with them, and the configuration's validation.
import { handler as holdMusic } from '../../functions/hold-music.protected';
import { reminderConfig } from '../../lib/shared/settings';
import {
  DEFAULT_REMINDER_TEXT,
  heldForWords,
  playsPerReminder,
  reminderPlan,
  REMINDERS_PER_DOCUMENT,
  reminderWords,
  speechSeconds,
} from '../../lib/shared/hold-reminder';
import { functionContext, invokeFunction } from '../support/invoke-function';
import { parseTwiml } from '../support/twiml';

describe('heldForWords', () => {
  it.each([
    [0, 'less than a minute'],
    [59, 'less than a minute'],
    [60, 'about 1 minute'],
    [89, 'about 1 minute'],
    [90, 'about 2 minutes'],
    [125, 'about 2 minutes'],
    [3 * 60 + 10, 'about 3 minutes'],
    [59 * 60, 'about 59 minutes'],
    [3570, 'about an hour'],
    [3630, 'about an hour'],
    [61 * 60, 'more than an hour'],
    [119 * 60, 'more than an hour'],
    [2 * 3600 + 5, 'more than 2 hours'],
    [-3, 'less than a minute'],
  ])('%i s held: "%s"', (seconds, words) => {
    expect(heldForWords(seconds)).toBe(words);
  });
});

describe('reminderWords', () => {
  it('fills the default text', () => {
    expect(reminderWords(DEFAULT_REMINDER_TEXT, 185)).toBe('Thanks for holding. You have been holding for about 3 minutes.');
  });

  it('fills every placeholder of HOLD_REMINDER_TEXT, and keeps a text without one', () => {
    expect(reminderWords('Held {minutes}; yes, {minutes}.', 30)).toBe('Held less than a minute; yes, less than a minute.');
    expect(reminderWords('Please keep holding.', 600)).toBe('Please keep holding.');
  });
});

describe('when reminders fall', () => {
  const settings = { everySeconds: 60, text: DEFAULT_REMINDER_TEXT, musicSeconds: 30 };

  it('rounds the interval to whole plays of the music, at least one', () => {
    expect(playsPerReminder({ everySeconds: 15, musicSeconds: 30 })).toBe(1);
    expect(playsPerReminder({ everySeconds: 60, musicSeconds: 30 })).toBe(2);
    expect(playsPerReminder({ everySeconds: 100, musicSeconds: 30 })).toBe(3);
    expect(playsPerReminder({ everySeconds: 120, musicSeconds: 45 })).toBe(3);
  });

  it('plans every reminder of one document from the time held, each after k plays and the previous words', () => {
    const batch = reminderPlan(settings, 0);
    expect(batch.plays).toBe(2);
    expect(batch.reminders).toHaveLength(REMINDERS_PER_DOCUMENT);
    expect(batch.reminders[0]).toEqual({ heldSeconds: 60, words: 'Thanks for holding. You have been holding for about 1 minute.' });
    const speech = speechSeconds(batch.reminders[0].words);
    expect(batch.reminders[1].heldSeconds).toBeCloseTo(120 + speech, 6);
    expect(batch.reminders[1].words).toMatch(/about 2 minutes/);
    const last = batch.reminders.at(-1)!;
    expect(batch.endsAtSeconds).toBeCloseTo(last.heldSeconds + speechSeconds(last.words), 6);
  });

  it('starts a later batch from the time held given', () => {
    const batch = reminderPlan(settings, 3600);
    expect(batch.reminders[0]).toEqual({ heldSeconds: 3660, words: 'Thanks for holding. You have been holding for more than an hour.' });
  });

  it('speaks at 150 words a minute, at least a second', () => {
    expect(speechSeconds('Hello')).toBe(1);
    expect(speechSeconds('one two three four five six seven eight nine ten')).toBe(4);
  });
});

describe('reminder configuration', () => {
  it('is off unless HOLD_REMINDER_SECONDS is set', () => {
    expect(reminderConfig({})).toBeUndefined();
    expect(reminderConfig({ HOLD_REMINDER_TEXT: 'x', HOLD_VOICE: 'alice' })).toBeUndefined();
  });

  it('reads the four settings', () => {
    expect(
      reminderConfig({
        HOLD_REMINDER_SECONDS: '45',
        HOLD_REMINDER_TEXT: ' Still there? {minutes} ',
        HOLD_VOICE: 'Polly.Joanna-Neural',
        HOLD_MUSIC_SECONDS: '20',
      }),
    ).toEqual({ everySeconds: 45, text: 'Still there? {minutes}', voice: 'Polly.Joanna-Neural', musicSeconds: 20 });
  });

  it.each([
    [{ HOLD_REMINDER_SECONDS: '14' }, /HOLD_REMINDER_SECONDS must be a whole number of seconds from 15 to 3600, not "14"/],
    [{ HOLD_REMINDER_SECONDS: '1.5' }, /HOLD_REMINDER_SECONDS/],
    [{ HOLD_REMINDER_SECONDS: 'soon' }, /HOLD_REMINDER_SECONDS/],
    [{ HOLD_REMINDER_SECONDS: '60', HOLD_MUSIC_SECONDS: '0' }, /HOLD_MUSIC_SECONDS/],
    [{ HOLD_REMINDER_SECONDS: '60', HOLD_VOICE: 'alice<Hangup/>' }, /HOLD_VOICE "alice<Hangup\/>" is not a Twilio voice name/],
    [{ HOLD_REMINDER_SECONDS: '60', HOLD_REMINDER_TEXT: 'x'.repeat(501) }, /HOLD_REMINDER_TEXT must be at most 500 characters/],
  ])('refuses %j as misconfigured', (env, message) => {
    expect(() => reminderConfig(env)).toThrow(expect.objectContaining({ kind: 'misconfigured', message: expect.stringMatching(message) }));
  });
});

describe('/hold-music with reminders', () => {
  const env = { HOLD_REMINDER_SECONDS: '60' };

  async function verbs(envVars: Record<string, string>, event: Record<string, string>) {
    const reply = await invokeFunction(holdMusic, functionContext(envVars, 'localhost:3000', '/hold-music'), event);
    expect(reply.statusCode).toBe(200);
    return parseTwiml(String(reply.body)).children;
  }

  it('a conference hold (HeldFor in the holdUrl): every reminder of the document, then music that never stops and no redirect', async () => {
    const children = await verbs(env, { HeldFor: '0' });
    expect(children.map((c) => c.verb)).toEqual([...Array(REMINDERS_PER_DOCUMENT).fill(['Play', 'Say']).flat(), 'Play']);
    expect(children[0].attributes.loop).toBe('2');
    expect(children[0].text).toBe('http://localhost:3000/hold-music.mp3');
    expect(children[1].text).toBe('Thanks for holding. You have been holding for about 1 minute.');
    expect(children.at(-1)!.attributes.loop).toBe('0');
    expect(children.at(-1)!.text).toBe('http://localhost:3000/hold-music.mp3');
    expect(children.length).toBe(2 * REMINDERS_PER_DOCUMENT + 1);
  });

  it("a queue wait (dial mode): words from Twilio's QueueTime, the same document (it never runs out)", async () => {
    const children = await verbs({ ...env, HOLD_VOICE: 'Polly.Amy' }, { QueueTime: '3600' });
    expect(children.at(-1)!.verb).toBe('Play');
    expect(children.at(-1)!.attributes.loop).toBe('0');
    expect(children[1].text).toMatch(/more than an hour/);
    expect(children[1].attributes.voice).toBe('Polly.Amy');
  });

  it('plain looping music without a held time, without reminders, or misconfigured (logged)', async () => {
    for (const [envVars, event] of [
      [env, {}],
      [{}, { HeldFor: '0' }],
      [env, { HeldFor: 'soon' }],
    ] as const) {
      const children = await verbs(envVars, event);
      expect(children.map((c) => `${c.verb}:${c.attributes.loop}`)).toEqual(['Play:0']);
    }
    const error = jest.spyOn(console, 'error').mockImplementation(() => undefined);
    const children = await verbs({ HOLD_REMINDER_SECONDS: '5' }, { HeldFor: '0' });
    expect(children.map((c) => `${c.verb}:${c.attributes.loop}`)).toEqual(['Play:0']);
    expect(error).toHaveBeenCalledWith(expect.stringMatching(/HOLD_REMINDER_SECONDS/), expect.any(String));
    error.mockRestore();
  });
});

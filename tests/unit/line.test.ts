// The line's pure part (lib/shared/line.ts): the queue name, the words, and what one waitUrl request decides.
import { LINE_WAIT_OVER, lineQueueName, linePositionWords, lineWaitStep } from '../../lib/shared/line';
import { wholeNumber } from '../../lib/platform/webhook-params';
import { DEFAULT_LINE_MAX_WAIT_SECONDS, lineMaxCallers, lineMaxWaitSeconds } from '../../lib/shared/settings';

const settings = { maxWaitSeconds: 300, musicSeconds: 30, playsPerAnnouncement: 1 };

describe('the line', () => {
  it('names one queue per agent address, within 64 characters and without the number', () => {
    const name = lineQueueName('+15550100001');
    expect(name).toMatch(/^line-[0-9a-f]{16}$/);
    expect(name).toBe(lineQueueName('+15550100001'));
    expect(lineQueueName('client:alice')).not.toBe(name);
  });

  it('says the place in line, and the wait from a minute on', () => {
    expect(linePositionWords(1, 0)).toBe('You are next in line.');
    expect(linePositionWords(2, 59)).toBe('You are number 2 in line.');
    expect(linePositionWords(3, 185)).toBe('You are number 3 in line. You have been waiting for about 3 minutes.');
  });

  it('plays the music until the next announcement or the limit, at least one play; at the limit, the goodbye', () => {
    expect(lineWaitStep({ position: 2, waitedSeconds: 0 }, settings)).toEqual({
      kind: 'wait',
      words: 'You are number 2 in line.',
      plays: 1,
    });
    expect(lineWaitStep({ position: 1, waitedSeconds: 0 }, { ...settings, playsPerAnnouncement: 4 })).toMatchObject({ plays: 4 });
    expect(lineWaitStep({ position: 1, waitedSeconds: 250 }, { ...settings, playsPerAnnouncement: 4 })).toMatchObject({ plays: 2 });
    expect(lineWaitStep({ position: 1, waitedSeconds: 299 }, settings)).toMatchObject({ kind: 'wait', plays: 1 });
    expect(lineWaitStep({ position: 1, waitedSeconds: 300 }, settings)).toEqual({ kind: 'wait-over' });
    expect(LINE_WAIT_OVER).toMatch(/Goodbye\.$/);
  });

  it("reads Twilio's whole numbers and nothing else", () => {
    expect(wholeNumber('12')).toBe(12);
    expect([undefined, '', '-1', '1.5', '1e3', 'abc', '123456789'].map(wholeNumber)).toEqual(Array(7).fill(undefined));
  });

  it('reads LINE_MAX_WAIT_SECONDS (0 = no line) and LINE_MAX_CALLERS, and names the variable when one is wrong', () => {
    expect(lineMaxWaitSeconds({})).toBe(DEFAULT_LINE_MAX_WAIT_SECONDS);
    expect(lineMaxWaitSeconds({ LINE_MAX_WAIT_SECONDS: '0' })).toBeUndefined();
    expect(lineMaxWaitSeconds({ LINE_MAX_WAIT_SECONDS: ' 30 ' })).toBe(30);
    for (const bad of ['29', '14401', '1.5', 'ten'])
      expect(() => lineMaxWaitSeconds({ LINE_MAX_WAIT_SECONDS: bad })).toThrow(/LINE_MAX_WAIT_SECONDS/);
    expect(lineMaxCallers({})).toBeUndefined();
    expect(lineMaxCallers({ LINE_MAX_CALLERS: '1' })).toBe(1);
    for (const bad of ['0', '1001', '2.5', 'all']) expect(() => lineMaxCallers({ LINE_MAX_CALLERS: bad })).toThrow(/LINE_MAX_CALLERS/);
  });
});

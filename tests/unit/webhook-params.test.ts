// The typed parsers of webhook parameters and SIDs (lib/platform/webhook-params.ts, sids.ts): pure.
import { heldForParam, heldForSeconds, wholeNumber } from '../../lib/platform/webhook-params';
import { isSid } from '../../lib/platform/sids';

describe('HeldFor', () => {
  it.each([
    ['0', 0],
    ['540', 540],
    ['62.4', 62.4],
    ['92.125', 92.125],
    ['12345678', 12345678],
  ])('reads %p as %p', (value, seconds) => expect(heldForSeconds(value)).toBe(seconds));

  it.each(['', '-1', '1e3', '62.4567', ' 5', '5 ', '0x10', '123456789'])('refuses %p', (value) =>
    expect(heldForSeconds(value)).toBeUndefined(),
  );

  it('refuses what is not a string', () => {
    expect(heldForSeconds(5)).toBeUndefined();
    expect(heldForSeconds(['5'])).toBeUndefined();
  });

  it('reads back every time it writes, sums of decimals included', () => {
    for (let ms = 0; ms < 100_000; ms += 7) {
      const written = heldForParam(ms / 1000 + 30);
      expect(heldForSeconds(written)).toBeCloseTo(ms / 1000 + 30, 3);
    }
  });

  it('stays apart from the whole numbers Twilio sends (QueueTime)', () => {
    expect(wholeNumber('62')).toBe(62);
    expect(wholeNumber('62.4')).toBeUndefined();
  });
});

describe('isSid', () => {
  const hex = '0123456789abcdef0123456789abcdef';
  it('accepts the prefix of its kind and 32 lowercase hex digits', () => {
    expect(isSid('call', `CA${hex}`)).toBe(true);
    expect(isSid('conference', `CF${hex}`)).toBe(true);
    expect(isSid('queue', `QU${hex}`)).toBe(true);
    expect(isSid('syncService', `IS${hex}`)).toBe(true);
  });

  it.each([`CF${hex}`, `CA${hex.toUpperCase()}`, `CA${hex}0`, `CA${hex.slice(1)}`, ` CA${hex}`, undefined, 42])(
    'refuses %p as a call SID',
    (value) => expect(isSid('call', value)).toBe(false),
  );
});

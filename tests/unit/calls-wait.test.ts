// The long poll of GET /calls (lib/calls-wait.ts) on a fake clock: how often it looks at the
// revision, when it gives up, and which ETags it trusts.
import {
  CHECK_EVERY_MS,
  MAX_ETAG_AGE_SECONDS,
  etagOf,
  parseEtag,
  parseWait,
  stillCurrent,
  waitForChange,
  type ListVersion,
} from '../../lib/calls-wait';
import { isFailure } from '../../lib/platform/failure';

function fakeClock(revisions: (string | null)[]) {
  let now = 1_000_000_000;
  const looks: number[] = [];
  return {
    looks,
    deps: {
      revision: async () => {
        looks.push(now);
        return revisions[Math.min(looks.length - 1, revisions.length - 1)];
      },
      now: () => now,
      sleep: async (ms: number) => {
        now += ms;
      },
    },
    start: 1_000_000_000,
  };
}

const held: ListVersion = { revision: '7', nextExpiry: null, issuedAt: 1_000_000 };

describe('waitForChange', () => {
  it('looks every 2 s and answers unchanged when the wait ends, with no look at its end', async () => {
    const clock = fakeClock(['7']);
    await expect(waitForChange(held, 8, clock.deps)).resolves.toEqual({ changed: false });
    expect(clock.looks.map((t) => t - clock.start)).toEqual([0, 2000, 4000, 6000]);
    expect(CHECK_EVERY_MS).toBe(2000);
  });

  it('answers changed at the first look that sees another revision', async () => {
    const clock = fakeClock(['7', '7', '9']);
    await expect(waitForChange(held, 8, clock.deps)).resolves.toEqual({ changed: true, revision: '9' });
    expect(clock.looks).toHaveLength(3);
  });

  it('with wait 0 looks once', async () => {
    const clock = fakeClock(['7']);
    await expect(waitForChange(held, 0, clock.deps)).resolves.toEqual({ changed: false });
    expect(clock.looks).toHaveLength(1);
  });

  it('sees the map appear or vanish', async () => {
    await expect(waitForChange({ ...held, revision: null }, 0, fakeClock(['0']).deps)).resolves.toEqual({ changed: true, revision: '0' });
    await expect(waitForChange(held, 0, fakeClock([null]).deps)).resolves.toEqual({ changed: true, revision: null });
  });
});

describe('stillCurrent', () => {
  it('is false once an item has expired, or the list is old, whatever the revision', () => {
    expect(stillCurrent(held, '7', 1_000_010)).toBe(true);
    expect(stillCurrent({ ...held, nextExpiry: 1_000_020 }, '7', 1_000_019)).toBe(true);
    expect(stillCurrent({ ...held, nextExpiry: 1_000_020 }, '7', 1_000_020)).toBe(false);
    expect(stillCurrent(held, '7', 1_000_000 + MAX_ETAG_AGE_SECONDS)).toBe(false);
    // An ETag from the future (forged or a skewed clock) is not trusted.
    expect(stillCurrent(held, '7', 1_000_000 - 3600)).toBe(false);
  });
});

describe('ETags', () => {
  it('round-trip, and anything else is not one of ours', () => {
    for (const version of [held, { revision: null, nextExpiry: 1_700_000_000, issuedAt: 1_700_000_001 }]) {
      expect(parseEtag(etagOf(version))).toEqual(version);
    }
    for (const header of [undefined, '', '*', 'W/"7.-.1"', '"7.-"', '"7.-.1".x', '"a b.-.1"', `"${'x'.repeat(41)}.-.1"`, 42]) {
      expect(parseEtag(header)).toBeUndefined();
    }
    // A revision Twilio might shape otherwise is named "-" (no map) rather than echoed unchecked.
    expect(etagOf({ revision: 'a"b', nextExpiry: null, issuedAt: 5 })).toBe('"-.-.5"');
  });
});

describe('parseWait', () => {
  it('takes 0 to 8 whole seconds and refuses the rest as bad input', () => {
    expect(parseWait({})).toBe(0);
    expect(parseWait({ wait: '8' })).toBe(8);
    expect(parseWait({ wait: '0' })).toBe(0);
    for (const wait of ['9', '-1', '1.5', 'abc', '100', ['1']]) {
      let thrown: unknown;
      try {
        parseWait({ wait });
      } catch (error) {
        thrown = error;
      }
      expect(isFailure(thrown) && thrown.kind === 'bad-input').toBe(true);
    }
  });
});

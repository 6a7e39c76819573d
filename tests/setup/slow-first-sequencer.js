// Runs the slowest suites first, so that jest's two workers finish together instead of one worker
// starting a 50 s suite when the other has nothing left. Jest's own order (a suite that failed last
// time first, then the durations it cached from the last run on this machine, else file size)
// decides among the rest; a fresh clone has no such cache, so this list is what orders the slow
// ones. Per-file durations: docs/testing.md, "How long it takes".
const Sequencer = require('@jest/test-sequencer').default;
const { relative } = require('node:path');

/** Slowest first, as measured with one worker: a suite missing here runs after these. */
const SLOWEST = [
  'tests/browser/console.test.ts',
  'tests/property/dial.property.test.ts',
  'tests/property/conference.property.test.ts',
  'tests/e2e/conference-mode.test.ts',
  'tests/browser/emulator-page.test.ts',
  'tests/e2e/calls-long-poll.test.ts',
  'tests/e2e/hold-events.test.ts',
  'tests/property/bookkeeping.property.test.ts',
  'tests/property/hold-limit.property.test.ts',
  'tests/property/hold-limit-outage.property.test.ts',
  'tests/e2e/outage.test.ts',
  'tests/e2e/conference-outcome-unknown.test.ts',
  'tests/e2e/npm-start.test.ts',
  'tests/e2e/line.test.ts',
  'tests/e2e/calls.test.ts',
  'tests/e2e/ordered-answers.test.ts',
  'tests/unit/line-calls.test.ts',
  'tests/property/line.property.test.ts',
];

class SlowFirstSequencer extends Sequencer {
  sort(tests) {
    const rank = (test) => {
      const i = SLOWEST.indexOf(relative(test.context.config.rootDir, test.path).split('\\').join('/'));
      return i === -1 ? SLOWEST.length : i;
    };
    // Array.prototype.sort is stable: jest's order holds within the rest.
    return super.sort(tests).sort((a, b) => rank(a) - rank(b));
  }
}

module.exports = SlowFirstSequencer;

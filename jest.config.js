/** @type {import('jest').Config} */
module.exports = {
  // Node's environment, printing what a test logs only when that test fails (tests/setup/quiet-console-environment.js).
  testEnvironment: '<rootDir>/tests/setup/quiet-console-environment.js',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest'] },
  setupFiles: ['<rootDir>/tests/setup/twilio-global.ts'],
  testTimeout: 30000,
  // Three workers on the 2-core machine the suite is timed on (jest's default there is one): much
  // of the suite waits on real time (retry backoff, long polls, the console's clock), so a third
  // suite fills the waits (measured: docs/testing.md, "How long it takes"). The slowest suites go
  // first so that the workers finish together. Suites share no fixed port and no file: each starts
  // its own emulator and twilio-run on free ports, and the package Chromium is unpacked into a
  // fresh folder renamed into place.
  maxWorkers: 3,
  testSequencer: '<rootDir>/tests/setup/slow-first-sequencer.js',
};

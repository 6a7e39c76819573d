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
  // Two workers on the 2-core machine the suite is timed on (jest's default there is one), the
  // slowest suites first so that both finish together (docs/testing.md, "How long it takes").
  // Suites share no fixed port and no file: each starts its own emulator and twilio-run on free
  // ports, and the package Chromium is unpacked into a fresh folder renamed into place.
  maxWorkers: 2,
  testSequencer: '<rootDir>/tests/setup/slow-first-sequencer.js',
};

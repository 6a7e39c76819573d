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
};

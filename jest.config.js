/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/tests'],
  testMatch: ['**/*.test.ts'],
  // Type-checking is done once by `tsc --noEmit` in `npm test`; jest only transpiles.
  transform: { '^.+\\.ts$': ['ts-jest'] },
  setupFiles: ['<rootDir>/tests/setup/twilio-global.ts'],
  testTimeout: 30000,
};

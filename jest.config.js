/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  testTimeout: 60000,
  // Long fault/kill variants run only under `npm run test:long`.
  testPathIgnorePatterns: process.env.KESTRAFORM_LONG_TESTS ? [] : ['\\.long\\.test\\.ts$'],
};

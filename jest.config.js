/** @type {import('jest').Config} */
module.exports = {
  testEnvironment: 'node',
  roots: ['<rootDir>/test'],
  testMatch: ['**/*.test.ts'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  // Tests import the library as a user's stack does; in the repository that is the sources.
  moduleNameMapper: { '^kestraform$': '<rootDir>/lib/index.ts' },
  testTimeout: 60000,
  // Long fault/kill variants run only under `npm run test:long`.
  testPathIgnorePatterns: process.env.KESTRAFORM_LONG_TESTS ? [] : ['\\.long\\.test\\.ts$'],
};

// Integration and e2e tiers: real Postgres, Redis and RabbitMQ; e2e specs boot the built apps.
const aliases = require('./jest.aliases');

module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/test'],
  testRegex: '\\.(int|e2e)-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: aliases,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  globalTeardown: '<rootDir>/test/support/global-teardown.ts',
  testSequencer: '<rootDir>/test/support/int-sequencer.js',
  testTimeout: 60_000,
  slowTestThreshold: 20,
};

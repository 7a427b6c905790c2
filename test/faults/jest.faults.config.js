// The fault runner (npm run test:faults): the built apps on their own database, vhost and redis-server, faults
// injected under load, one accounting row per scenario.
const aliases = require('../../jest.aliases');

module.exports = {
  rootDir: __dirname + '/../..',
  roots: ['<rootDir>/test/faults'],
  testRegex: '\\.faults-spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: aliases,
  testEnvironment: 'node',
  globalSetup: '<rootDir>/test/support/global-setup.ts',
  testTimeout: 180_000,
};

// Unit tier: specs beside the code, no services needed.
const aliases = require('./jest.aliases');

module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs', '<rootDir>/bench', '<rootDir>/test/deploy', '<rootDir>/test/ops', '<rootDir>/test/faults', '<rootDir>/test/support'],
  testRegex: '\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: aliases,
  testEnvironment: 'node',
};

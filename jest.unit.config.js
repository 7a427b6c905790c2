// Unit tier: specs beside the code, no services needed.
const aliases = {
  '^@app/common$': '<rootDir>/libs/common/src',
  '^@app/contracts$': '<rootDir>/libs/contracts/src',
  '^@app/persistence$': '<rootDir>/libs/persistence/src',
};

module.exports = {
  rootDir: __dirname,
  roots: ['<rootDir>/apps', '<rootDir>/libs'],
  testRegex: '\\.spec\\.ts$',
  moduleFileExtensions: ['ts', 'js', 'json'],
  transform: { '^.+\\.ts$': 'ts-jest' },
  moduleNameMapper: aliases,
  testEnvironment: 'node',
};

module.exports.aliases = aliases;

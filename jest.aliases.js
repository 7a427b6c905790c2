// Mirrors the tsconfig path aliases for both jest configs.
module.exports = {
  '^@app/common$': '<rootDir>/libs/common/src',
  '^@app/common/tracing$': '<rootDir>/libs/common/src/tracing',
  '^@app/contracts$': '<rootDir>/libs/contracts/src',
  '^@app/persistence$': '<rootDir>/libs/persistence/src',
  '^@app/search$': '<rootDir>/libs/search/src',
};

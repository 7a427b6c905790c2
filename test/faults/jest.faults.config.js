// The fault runner (npm run test:faults): the built apps on their own database, vhost and redis-server, faults
// injected under load, one accounting row per scenario. The integration tier's set-up, teardown and transforms,
// with its own specs and a longer timeout.
const integration = require('../../jest.int.config');

module.exports = {
  ...integration,
  roots: ['<rootDir>/test/faults'],
  testRegex: '\\.faults-spec\\.ts$',
  testTimeout: 180_000,
};

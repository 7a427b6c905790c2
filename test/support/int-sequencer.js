// Longest suites first, so that no worker is left with a long suite at the end of a parallel run. Jest knows the
// durations from its cache after one run; a clean clone has no cache, so the durations of a full run are checked in
// (test/support/int-durations.json, `node scripts/int-durations.js` after `npm run test:int` refreshes them). A
// suite in neither goes first, as jest's own sequencer puts a new suite first.
const { relative } = require('node:path');
const Sequencer = require('@jest/test-sequencer').default;
const durations = require('./int-durations.json');

class IntSequencer extends Sequencer {
  time(test) {
    return super.time(test) ?? durations[relative(test.context.config.rootDir, test.path)];
  }
}

module.exports = IntSequencer;

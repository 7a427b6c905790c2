#!/usr/bin/env node
/* global console */
// node scripts/int-durations.js: after `npm run test:int`, writes each suite's duration (ms, from
// .jest-results.int.json) to test/support/int-durations.json, which orders a clean clone's parallel run.
const { readFileSync, writeFileSync } = require('node:fs');
const { join, relative } = require('node:path');

const root = join(__dirname, '..');
const results = JSON.parse(readFileSync(join(root, '.jest-results.int.json'), 'utf8'));
const durations = Object.fromEntries(results.testResults.map((suite) => [relative(root, suite.name), suite.endTime - suite.startTime]).sort(([, a], [, b]) => b - a));
writeFileSync(join(root, 'test', 'support', 'int-durations.json'), `${JSON.stringify(durations, null, 2)}\n`);
console.log(`${Object.keys(durations).length} suites, longest first, in test/support/int-durations.json`);

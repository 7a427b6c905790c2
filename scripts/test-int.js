#!/usr/bin/env node
/* global console */
// npm run test:int: the integration and e2e tiers, in two jest runs against the built apps.
// 1. Every spec but the machine-wide ones, on TEST_WORKERS jest workers (default 2, at most 3), each with a
//    database, vhost, Redis and port range of its own (test/support/test-env.ts).
// 2. The machine-wide specs, in band and alone: what they do reaches every worker's resources.
// The two JSON results are merged into .jest-results.int.json, which .ci/run sums up.
const { spawnSync } = require('node:child_process');
const { readFileSync, rmSync, writeFileSync } = require('node:fs');
const { join } = require('node:path');

// tracing.e2e-spec restarts the machine's RabbitMQ (`rabbitmqctl stop_app`), which drops every vhost's connections,
// and listens on the fixed OTLP port 4318.
const MACHINE_WIDE = ['test/e2e/tracing.e2e-spec.ts'];

const root = join(__dirname, '..');
const workers = Number(process.env.TEST_WORKERS ?? 2);
if (!Number.isInteger(workers) || workers < 1 || workers > 3) {
  console.error(`TEST_WORKERS must be 1, 2 or 3, not ${process.env.TEST_WORKERS}`);
  process.exit(2);
}
const escapeRegex = (path) => path.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

function jest(args, outputFile) {
  rmSync(join(root, outputFile), { force: true });
  const jestBin = join(root, 'node_modules', 'jest', 'bin', 'jest.js');
  const result = spawnSync(process.execPath, [jestBin, '-c', 'jest.int.config.js', '--json', `--outputFile=${outputFile}`, ...args], { cwd: root, stdio: 'inherit' });
  let report;
  try {
    report = JSON.parse(readFileSync(join(root, outputFile), 'utf8'));
  } catch {
    report = undefined; // jest stopped before writing one (a bad option, a failed global setup)
  }
  rmSync(join(root, outputFile), { force: true });
  return { ok: result.status === 0, report };
}

const parallel = jest([`--maxWorkers=${workers}`, ...MACHINE_WIDE.map((spec) => `--testPathIgnorePatterns=${escapeRegex(spec)}$`)], '.jest-results.int-parallel.json');
const serial = jest(['--runInBand', '--runTestsByPath', ...MACHINE_WIDE], '.jest-results.int-serial.json');

const reports = [parallel.report, serial.report].filter(Boolean);
const counters = Object.keys(reports[0] ?? {}).filter((key) => key.startsWith('num'));
const merged = {
  ...Object.fromEntries(counters.map((key) => [key, reports.reduce((sum, report) => sum + (report[key] ?? 0), 0)])),
  startTime: Math.min(...reports.map((report) => report.startTime)),
  success: parallel.ok && serial.ok,
  testResults: reports.flatMap((report) => report.testResults),
};
writeFileSync(join(root, '.jest-results.int.json'), JSON.stringify(merged));
console.log(
  `int/e2e: ${merged.numPassedTests ?? 0} passed, ${merged.numFailedTests ?? 0} failed, ${merged.numPendingTests ?? 0} skipped, in ${reports.length} of 2 runs`,
);
process.exit(merged.success && reports.length === 2 ? 0 : 1);

#!/usr/bin/env node
// npm run test:faults [-- --quick]: builds, then runs the fault scenarios (test/faults) on a database and vhost of
// their own (TEST_NAMESPACE=faults) and a redis-server of their own. --quick runs a subset for a shared machine (no broker
// stop_app, which would hit every user of the machine's RabbitMQ).
const { execFileSync, spawnSync } = require('node:child_process');
const { join } = require('node:path');

const root = join(__dirname, '..');
const quick = process.argv.includes('--quick');
if (!process.argv.includes('--no-build')) execFileSync('npm', ['run', 'build'], { cwd: root, stdio: 'inherit' });
const result = spawnSync(process.execPath, [join(root, 'node_modules', 'jest', 'bin', 'jest.js'), '-c', 'test/faults/jest.faults.config.js', '--runInBand'], {
  cwd: root,
  stdio: 'inherit',
  env: { ...process.env, TEST_NAMESPACE: 'faults', FAULTS_QUICK: quick ? '1' : '' },
});
process.exit(result.status ?? 1);

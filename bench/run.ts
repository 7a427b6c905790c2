import { execFileSync } from 'node:child_process';
import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { Client } from 'pg';
import { PRINCIPAL_TTL_SECONDS } from '@app/common';
import { assertSameAnswer, measure, probe } from './autocannon.util';
import { assertPortFree, logLines, ManagedChild, spawnNode, stopChild, tailLog, waitForReady } from './child-process.util';
import { createPlans, planDocument, primePrincipalCache, signUpAndLogIn } from './fixtures.util';
import { addEvents, EventLedger, measureIndexLag, summarizeLag } from './index-lag.util';
import { consoleReport, LagMeasurement, markdownSection, Measurement, prependRun, Target } from './results.util';
import { BenchUser, LagScenario, lagScenarios, scenarios, verdicts } from './scenarios';

const ROOT = resolve(__dirname, '..', '..'); // dist/bench/run.js -> repository root
const DIST = join(ROOT, 'dist');
const RESULTS_FILE = join(ROOT, 'bench', 'RESULTS.md');
const LAST_RUN_FILE = join(ROOT, 'bench', '.last-run.json');
const PROFILES_DIR = join(ROOT, 'bench', 'profiles');

// Like the test harness: own database, RabbitMQ vhost and Redis database, so a dev stack or an e2e run on this
// machine neither answers our RPCs nor shares our counters.
const PG_URL = 'postgres://postgres@127.0.0.1:5432';
const BENCH_DB = 'plans_platform_bench';
const BENCH_VHOST = 'plans_bench';
const REDIS_URL = 'redis://127.0.0.1:6379/8';
const RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${BENCH_VHOST}`;
const ISSUER = 'plans-platform';
// Off the dev ports (3000-3002) so a running dev stack keeps its ports.
const PORTS = { gateway: 3100, core: 3101, floor: 3102, indexer: 3103 };
const RATE_LIMIT = '1000000000'; // counted on every request like in production, never refused
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000; // above the apps' 10 s shutdown grace
const WARMUP_S = 2;
const LAG_MAX_IN_FLIGHT = 200;
const CATCH_UP_TIMEOUT_MS = 120_000;

const durationS = positiveInt('BENCH_DURATION_S', 10);
const connections = positiveInt('BENCH_CONNECTIONS', 50);
const only = list('BENCH_ONLY'); // scenario keys; empty = all
const profiled = list('BENCH_CPU_PROF'); // app names (gateway, core, indexer, floor) to run with --cpu-prof

const gatewayUrl = `http://127.0.0.1:${PORTS.gateway}`;
const floorUrl = `http://127.0.0.1:${PORTS.floor}`;
const indexerMetricsUrl = `http://127.0.0.1:${PORTS.indexer}/metrics`;
const children: ManagedChild[] = [];
let stopping: Promise<void> | undefined;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
}

function list(name: string): string[] {
  return (process.env[name] ?? '')
    .split(',')
    .map((item) => item.trim())
    .filter(Boolean);
}

function selected(key: string): boolean {
  return only.length === 0 || only.includes(key);
}

function log(message: string): void {
  console.log(`[bench] ${message}`);
}

function stopChildren(): Promise<void> {
  stopping ??= Promise.all(children.map((child) => stopChild(child, STOP_GRACE_MS))).then(() => undefined);
  return stopping;
}

function definedOnly(env: Record<string, string | undefined>): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([, value]) => value !== undefined));
}

// A clean environment, so a developer's shell (JWT_PRIVATE_KEY, PORT, NODE_OPTIONS...) cannot leak into the run.
function appEnv(keysDir: string): NodeJS.ProcessEnv {
  return definedOnly({
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development', // dev key loading: both apps read the pair the harness put in JWT_KEYS_DIR
    DATABASE_URL: `${PG_URL}/${BENCH_DB}`,
    REDIS_URL,
    RABBITMQ_URL,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_ANON_PER_HOUR: RATE_LIMIT,
    RATE_LIMIT_USER_PER_HOUR: RATE_LIMIT,
    JWT_KEYS_DIR: keysDir,
    JWT_ISSUER: ISSUER,
    JWT_ACCESS_TTL: '1h', // outlives a long list of scenarios
    PORT: String(PORTS.gateway),
    CORE_PORT: String(PORTS.core),
    INDEXER_PORT: String(PORTS.indexer),
    RPC_TIMEOUT_MS: '5000',
  });
}

// Written before either app starts: two apps generating the dev key at once could end up with different keys.
function writeKeyPair(keysDir: string): string {
  mkdirSync(keysDir, { recursive: true, mode: 0o700 });
  const file = join(keysDir, 'jwt-private.pem');
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  writeFileSync(file, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
  return file;
}

async function recreateDatabase(): Promise<void> {
  const admin = new Client({ connectionString: `${PG_URL}/postgres` });
  await admin.connect();
  try {
    await admin.query(`DROP DATABASE IF EXISTS ${BENCH_DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${BENCH_DB}`);
  } finally {
    await admin.end();
  }
}

function recreateVhost(): void {
  const rabbitmqctl = (...args: string[]) => execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' });
  try {
    rabbitmqctl('delete_vhost', BENCH_VHOST);
  } catch {
    // absent on a fresh broker
  }
  rabbitmqctl('add_vhost', BENCH_VHOST);
  rabbitmqctl('set_permissions', '-p', BENCH_VHOST, 'guest', '.*', '.*', '.*');
}

async function measureLag(scenario: LagScenario, user: BenchUser, runTag: string, ledger: EventLedger): Promise<LagMeasurement> {
  const write = (phase: string) => ({
    url: `${gatewayUrl}/api/v1/plans`,
    headers: { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' },
    body: (index: number) => planDocument(`${runTag}-${scenario.key}-${phase}${index}`),
    eventType: 'plan.created',
    expectStatus: 201,
    maxInFlight: LAG_MAX_IN_FLIGHT,
  });
  const rate = (seconds: number) => ({ ratePerSecond: scenario.ratePerSecond, durationS: seconds });
  // The warm-up's events are drained (and left out) before the measured run starts.
  await measureIndexLag(`${scenario.name} (warm-up)`, indexerMetricsUrl, ledger, write('w'), rate(WARMUP_S), CATCH_UP_TIMEOUT_MS, assertAlive);
  const run = await measureIndexLag(scenario.name, indexerMetricsUrl, ledger, write('m'), rate(durationS), CATCH_UP_TIMEOUT_MS, assertAlive);
  const lag = summarizeLag(run.lag);
  return {
    scenario: scenario.name,
    targetRate: scenario.ratePerSecond,
    achievedRate: run.succeeded / run.load.elapsedS,
    writesOk: run.succeeded,
    indexed: run.lag.count,
    writeP50Ms: run.load.latencyP50Ms,
    writeP99Ms: run.load.latencyP99Ms,
    lagP50S: lag.p50S,
    lagP99S: lag.p99S,
    underOneS: lag.underOneS,
    drainS: run.drainS,
  };
}

function assertAlive(): void {
  const dead = children.find((child) => child.exitCode !== undefined);
  if (dead) throw new Error(`${dead.name} exited (${dead.exitCode}) during the run. Last log lines:\n${tailLog(dead.logFile)}`);
}

function gitCommit(): string {
  try {
    const sha = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT, encoding: 'utf8' }).trim();
    const dirty = execFileSync('git', ['status', '--porcelain'], { cwd: ROOT, encoding: 'utf8' }).trim() !== '';
    return dirty ? `${sha} (with uncommitted changes)` : sha;
  } catch {
    return 'unknown';
  }
}

function start(name: keyof typeof PORTS, script: string, env: NodeJS.ProcessEnv, workDir: string): ManagedChild {
  const nodeArgs = profiled.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=${name}-${Date.now()}.cpuprofile`] : [];
  const child = spawnNode(name, script, env, workDir, nodeArgs);
  children.push(child);
  return child;
}

async function main(): Promise<void> {
  if (WARMUP_S + durationS > PRINCIPAL_TTL_SECONDS - 20) {
    throw new Error(`BENCH_DURATION_S must stay under ${PRINCIPAL_TTL_SECONDS - 20 - WARMUP_S} s: the cached principal expires after ${PRINCIPAL_TTL_SECONDS} s`);
  }
  if (profiled.length > 0) mkdirSync(PROFILES_DIR, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'plans-bench-'));
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let ok = false;
  try {
    log(`work dir (keys and logs): ${workDir}`);
    await Promise.all(Object.values(PORTS).map(assertPortFree));
    await redis.connect();
    await redis.flushdb();
    await recreateDatabase();
    recreateVhost();
    const keyFile = writeKeyPair(join(workDir, 'keys'));
    const env = appEnv(join(workDir, 'keys'));

    log(`starting core (:${PORTS.core}), gateway (:${PORTS.gateway}) and indexer (:${PORTS.indexer}) on database ${BENCH_DB}`);
    const core = start('core', join(DIST, 'apps/core/src/main.js'), env, workDir);
    const gateway = start('gateway', join(DIST, 'apps/gateway/src/main.js'), env, workDir);
    const indexer = start('indexer', join(DIST, 'apps/indexer/src/main.js'), env, workDir);
    const floorEnv = definedOnly({
      PATH: process.env.PATH,
      PORT: String(PORTS.floor),
      REDIS_URL,
      JWT_KEY_PEM_FILE: keyFile, // the file the gateway derives its public key from
      JWT_ISSUER: ISSUER,
      RATE_LIMIT_USER_PER_HOUR: RATE_LIMIT,
    });
    const floor = start('floor', join(DIST, 'bench/floor-server.js'), floorEnv, workDir);
    await Promise.all([
      waitForReady(core, `http://127.0.0.1:${PORTS.core}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(gateway, `${gatewayUrl}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(indexer, `http://127.0.0.1:${PORTS.indexer}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(floor, `${floorUrl}/health/ready`, READY_TIMEOUT_MS),
    ]);
    log('core, gateway, indexer and floor are ready');

    const runTag = randomUUID().slice(0, 8);
    const ledger: EventLedger = new Map();
    const user = await signUpAndLogIn(gatewayUrl);
    await primePrincipalCache(gatewayUrl, redis, user);
    const plans = await createPlans(gatewayUrl, user, runTag, ledger);
    log(`signed up ${user.id}; its principal and plan ${plans.read.id} are cached (X-Cache: HIT)`);

    const all = scenarios(user, plans);
    const rows: Measurement[] = [];
    for (const scenario of all.filter((candidate) => selected(candidate.key))) {
      const targets: [Target, string][] = scenario.floor
        ? [
            ['floor', floorUrl],
            ['project', gatewayUrl],
          ]
        : [['project', gatewayUrl]];
      await primePrincipalCache(gatewayUrl, redis, user);
      const replies = await Promise.all(targets.map(([target, url]) => probe(scenario, target, url)));
      if (scenario.floor) assertSameAnswer(scenario, replies[0], replies[1]);
      if (scenario.emits) addEvents(ledger, scenario.emits, targets.length);
      for (const [target, url] of targets) {
        await primePrincipalCache(gatewayUrl, redis, user);
        log(`${scenario.name} @ ${target}: ${WARMUP_S} s warm-up + ${durationS} s, ${scenario.connections ?? connections} connections`);
        rows.push(await measure(scenario, target, url, { connections, warmUpS: WARMUP_S, durationS }, ledger));
        assertAlive();
      }
    }

    const lagRows: LagMeasurement[] = [];
    for (const scenario of lagScenarios.filter((candidate) => selected(candidate.key))) {
      await primePrincipalCache(gatewayUrl, redis, user);
      log(`${scenario.name}: ${WARMUP_S} s warm-up + ${durationS} s paced writes, up to ${LAG_MAX_IN_FLIGHT} in flight`);
      lagRows.push(await measureLag(scenario, user, runTag, ledger));
      assertAlive();
    }

    const results = verdicts(all, rows, lagRows);
    console.log(`\n${consoleReport(rows, lagRows, results)}\n`);
    const run = {
      date: new Date().toISOString(),
      machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${platform()} ${arch()}`,
      commit: gitCommit(),
      settings: `${connections} connections unless the conns column says otherwise, ${WARMUP_S} s warm-up then ${durationS} s measured per target`,
    };
    // Only complete, unprofiled runs are history worth keeping.
    if (profiled.length > 0 || only.length > 0) {
      log(`BENCH_ONLY or BENCH_CPU_PROF set: this run is not recorded in ${RESULTS_FILE}`);
    } else {
      prependRun(RESULTS_FILE, markdownSection(run, rows, lagRows, results));
      writeFileSync(LAST_RUN_FILE, `${JSON.stringify({ run, rows, lagRows, targets: results }, null, 2)}\n`);
      log(`results added to ${RESULTS_FILE}`);
    }

    // LOG_LEVEL=warn: whatever the apps printed is a warning or worse, worth a look.
    for (const child of children) {
      const lines = logLines(child.logFile);
      log(`${child.name}: ${lines.length} log line(s) at warn or above${lines.length ? ':' : ''}`);
      for (const line of lines.slice(0, 5)) console.log(`    ${line.slice(0, 400)}`);
    }
    ok = true;
  } finally {
    await stopChildren();
    redis.disconnect();
    // Logs stay on failure for the post-mortem.
    if (ok) rmSync(workDir, { recursive: true, force: true });
    else log(`logs kept in ${workDir}`);
    // Written by the profiled apps as they exit.
    if (profiled.length > 0) log(`CPU profiles in ${PROFILES_DIR}; summarize with: node dist/bench/cpu-profile.util.js <file>`);
  }
}

for (const [signal, code] of [
  ['SIGINT', 130],
  ['SIGTERM', 143],
] as const) {
  process.once(signal, () => {
    log(`${signal}: stopping child processes`);
    void stopChildren().finally(() => process.exit(code));
  });
}
// Last resort if the harness dies some other way: never leave a server behind.
process.on('exit', () => {
  for (const child of children) if (child.exitCode === undefined) child.process.kill('SIGKILL');
});

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\n[bench] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

import { execFileSync } from 'node:child_process';
import { generateKeyPairSync } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, platform, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { Client } from 'pg';
import { principalKey, PRINCIPAL_TTL_SECONDS } from '@app/common';
import { assertPortFree, logLines, ManagedChild, spawnNode, stopChild, tailLog, waitForReady } from './child-process.util';
import { consoleTable, markdownSection, Measurement, prependRun, Target } from './results.util';

export interface Scenario {
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>;
  body?: unknown; // sent as JSON
  expectStatus: number;
  // Checked on one request per target before measuring; autocannon itself only counts status codes.
  expectHeaders?: Record<string, string>;
  // true when bench/floor-server.ts serves the same route; its answer must then equal the project's.
  floor: boolean;
}

interface BenchUser {
  id: string;
  accessToken: string;
}

// Add scenarios here (for a floor, add the same route to floor-server.ts). Each runs against the floor, then the project.
const scenarios = (user: BenchUser): Scenario[] => [
  {
    name: 'users/me cached read (auth + rate limit + Redis read)',
    method: 'GET',
    path: '/api/v1/users/me',
    headers: { authorization: `Bearer ${user.accessToken}` },
    expectStatus: 200,
    expectHeaders: { 'x-cache': 'HIT' },
    floor: true,
  },
];

const ROOT = resolve(__dirname, '..', '..'); // dist/bench/run.js -> repository root
const DIST = join(ROOT, 'dist');
const RESULTS_FILE = join(ROOT, 'bench', 'RESULTS.md');
const LAST_RUN_FILE = join(ROOT, 'bench', '.last-run.json');

// Like the test harness: own database, RabbitMQ vhost and Redis database, so a dev stack or an e2e run on this
// machine neither answers our RPCs nor shares our counters.
const PG_URL = 'postgres://postgres@127.0.0.1:5432';
const BENCH_DB = 'plans_platform_bench';
const BENCH_VHOST = 'plans_bench';
const REDIS_URL = 'redis://127.0.0.1:6379/8';
const RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${BENCH_VHOST}`;
const ISSUER = 'plans-platform';
// Off the dev ports (3000/3001) so a running dev stack keeps its ports.
const PORTS = { gateway: 3100, core: 3101, floor: 3102 };
const RATE_LIMIT = '1000000000'; // counted on every request like in production, never refused
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000; // above the apps' 10 s shutdown grace
const WARMUP_S = 2;

const durationS = positiveInt('BENCH_DURATION_S', 10);
const connections = positiveInt('BENCH_CONNECTIONS', 50);

const gatewayUrl = `http://127.0.0.1:${PORTS.gateway}`;
const floorUrl = `http://127.0.0.1:${PORTS.floor}`;
const children: ManagedChild[] = [];
let stopping: Promise<void> | undefined;

function positiveInt(name: string, fallback: number): number {
  const raw = process.env[name];
  if (raw === undefined || raw === '') return fallback;
  const value = Number(raw);
  if (!Number.isInteger(value) || value <= 0) throw new Error(`${name} must be a positive integer, got "${raw}"`);
  return value;
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

interface Reply {
  status: number;
  headers: Headers;
  body: unknown;
}

async function call(method: string, url: string, headers: Record<string, string> = {}, body?: unknown): Promise<Reply> {
  const response = await fetch(url, {
    method,
    headers: body === undefined ? headers : { ...headers, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
    signal: AbortSignal.timeout(10_000),
  });
  const text = await response.text();
  let parsed: unknown = text;
  try {
    parsed = JSON.parse(text);
  } catch {
    // not JSON: keep the text
  }
  return { status: response.status, headers: response.headers, body: parsed };
}

function expectStatus(label: string, reply: Reply, status: number): void {
  if (reply.status !== status) throw new Error(`${label}: expected HTTP ${status}, got ${reply.status}: ${JSON.stringify(reply.body)}`);
}

async function signUpAndLogIn(): Promise<BenchUser> {
  const credentials = { email: 'bench@example.com', password: 'bench-password-1' };
  const signup = await call('POST', `${gatewayUrl}/api/v1/auth/signup`, {}, { name: 'Bench User', ...credentials });
  expectStatus('signup', signup, 201);
  const token = await call('POST', `${gatewayUrl}/api/v1/auth/token`, {}, { username: credentials.email, password: credentials.password });
  expectStatus('token', token, 200);
  return { id: (signup.body as { id: string }).id, accessToken: (token.body as { access_token: string }).access_token };
}

// The principal lives PRINCIPAL_TTL_SECONDS in Redis and reads do not extend it. Dropping it and letting the
// gateway refill it (MISS, then HIT) before each run restarts that clock, so no run straddles an expiry.
async function primePrincipalCache(redis: Redis, user: BenchUser): Promise<void> {
  await redis.del(principalKey(user.id));
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const fill = await call('GET', `${gatewayUrl}/api/v1/users/me`, auth);
  expectStatus('users/me cache fill', fill, 200);
  const hit = await call('GET', `${gatewayUrl}/api/v1/users/me`, auth);
  expectStatus('users/me after fill', hit, 200);
  if (hit.headers.get('x-cache') !== 'HIT') {
    throw new Error(`users/me after a fill answered X-Cache: ${hit.headers.get('x-cache')}, expected HIT`);
  }
}

async function probe(scenario: Scenario, target: Target, baseUrl: string): Promise<unknown> {
  const reply = await call(scenario.method, `${baseUrl}${scenario.path}`, scenario.headers, scenario.body);
  expectStatus(`${scenario.name} @ ${target}`, reply, scenario.expectStatus);
  for (const [name, value] of Object.entries(scenario.expectHeaders ?? {})) {
    const actual = reply.headers.get(name);
    if (actual !== value) throw new Error(`${scenario.name} @ ${target}: expected header ${name}: ${value}, got ${actual}`);
  }
  return reply.body;
}

// Throws on any response that is not the expected status, and on socket errors or timeouts.
function assertClean(label: string, result: autocannon.Result, status: number): void {
  const problems = Object.entries(result.statusCodeStats ?? {})
    .filter(([code, stats]) => Number(code) !== status && (stats.count ?? 0) > 0)
    .map(([code, stats]) => `${stats.count} x HTTP ${code}`);
  if (problems.length === 0 && status < 300 && result.non2xx > 0) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.requests.total === 0) problems.push('no responses');
  if (problems.length > 0) throw new Error(`${label}: ${problems.join(', ')} (every response must be HTTP ${status})`);
}

async function measure(scenario: Scenario, target: Target, baseUrl: string): Promise<Measurement> {
  const options: autocannon.Options = {
    url: `${baseUrl}${scenario.path}`,
    method: scenario.method,
    headers: scenario.body === undefined ? scenario.headers : { ...scenario.headers, 'content-type': 'application/json' },
    body: scenario.body === undefined ? undefined : JSON.stringify(scenario.body),
    connections,
  };
  const label = `${scenario.name} @ ${target}`;
  assertClean(`${label} (warm-up)`, await autocannon({ ...options, duration: WARMUP_S }), scenario.expectStatus);
  const result = await autocannon({ ...options, duration: durationS });
  assertClean(label, result, scenario.expectStatus);
  return {
    scenario: scenario.name,
    target,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
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

async function main(): Promise<void> {
  if (WARMUP_S + durationS > PRINCIPAL_TTL_SECONDS - 20) {
    throw new Error(`BENCH_DURATION_S must stay under ${PRINCIPAL_TTL_SECONDS - 20 - WARMUP_S} s: the cached principal expires after ${PRINCIPAL_TTL_SECONDS} s`);
  }
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

    log(`starting core (:${PORTS.core}) and gateway (:${PORTS.gateway}) on database ${BENCH_DB}`);
    const core = spawnNode('core', join(DIST, 'apps/core/src/main.js'), env, workDir);
    children.push(core);
    const gateway = spawnNode('gateway', join(DIST, 'apps/gateway/src/main.js'), env, workDir);
    children.push(gateway);
    const floor = spawnNode(
      'floor',
      join(DIST, 'bench/floor-server.js'),
      definedOnly({
        PATH: process.env.PATH,
        PORT: String(PORTS.floor),
        REDIS_URL,
        JWT_KEY_PEM_FILE: keyFile, // the file the gateway derives its public key from
        JWT_ISSUER: ISSUER,
        RATE_LIMIT_USER_PER_HOUR: RATE_LIMIT,
      }),
      workDir,
    );
    children.push(floor);
    await Promise.all([
      waitForReady(core, `http://127.0.0.1:${PORTS.core}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(gateway, `${gatewayUrl}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(floor, `${floorUrl}/health/ready`, READY_TIMEOUT_MS),
    ]);
    log('core, gateway and floor are ready');

    const user = await signUpAndLogIn();
    await primePrincipalCache(redis, user);
    log(`signed up ${user.id}; its principal is cached (X-Cache: HIT)`);

    const rows: Measurement[] = [];
    for (const scenario of scenarios(user)) {
      const targets: [Target, string][] = scenario.floor ? [['floor', floorUrl], ['project', gatewayUrl]] : [['project', gatewayUrl]];
      await primePrincipalCache(redis, user);
      const bodies = await Promise.all(targets.map(([target, url]) => probe(scenario, target, url)));
      if (scenario.floor && !isDeepStrictEqual(bodies[0], bodies[1])) {
        throw new Error(`${scenario.name}: floor and project answer differently:\n${JSON.stringify(bodies[0])}\n${JSON.stringify(bodies[1])}`);
      }
      for (const [target, url] of targets) {
        await primePrincipalCache(redis, user);
        log(`${scenario.name} @ ${target}: ${WARMUP_S} s warm-up + ${durationS} s, ${connections} connections`);
        rows.push(await measure(scenario, target, url));
        assertAlive();
      }
    }

    const table = consoleTable(rows);
    console.log(`\n${table}\n`);
    const run = {
      date: new Date().toISOString(),
      machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${platform()} ${arch()}`,
      commit: gitCommit(),
      settings: `${connections} connections, ${WARMUP_S} s warm-up then ${durationS} s measured per target`,
    };
    prependRun(RESULTS_FILE, markdownSection(run, rows));
    writeFileSync(LAST_RUN_FILE, `${JSON.stringify({ run, rows }, null, 2)}\n`);
    log(`results added to ${RESULTS_FILE}`);

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
  }
}

for (const [signal, code] of [['SIGINT', 130], ['SIGTERM', 143]] as const) {
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

// Provider catalog bench (issue 9, point 7), self-contained: its own database, vhost, Redis database and ports
// 3230-3235, so it runs beside a dev stack or an e2e run.
//   1. sync: the scheduler's start-up sync of a generated BENCH_PLANS-plan feed (default 10k) from the simulator,
//      its duration (the run's own started/finished) and the scheduler's peak RSS;
//   2. unchanged repeat: an admin sync of the same feed, with the catalog's row writes counted;
//   3. search: GET /events/search at BENCH_RATE req/s (default 2000, open loop) through the gateway, against a
//      hand-written floor (bench/floor-events.ts) doing the same work, in interleaved rounds; p50/p99 and CPU per
//      request of each.
//
//   npm run bench:events                      (npm run build first is part of the script)
//   BENCH_PLANS=2000 BENCH_ROUNDS=2 node dist/bench/events-bench.js
import { mkdtempSync } from 'node:fs';
import { cpus, loadavg, tmpdir, totalmem } from 'node:os';
import { join, resolve } from 'node:path';
import { execFileSync } from 'node:child_process';
import { Client } from 'pg';
import { ManagedChild, spawnNode, stopChild, waitForReady } from './child-process.util';
import { deployedRuntimeEnv } from './deploy-node-options.util';
import { call, expectStatus } from './http.util';
import { pacedLoad, PacedLoadResult } from './paced-load.util';
import { cpuSnapshot, cpuSpent, peakRssBytes } from './proc-stats.util';
import { median } from './rounds.util';
import { migrate, recreateDatabase, recreateVhost, writeKeyPair } from './setup.util';
import { eventsFloorEnv, eventsReport, EventsRound, rangePaths, simEnv, SyncFigures } from './events-bench.util';
import { positiveInt } from './env.util';

const ROOT = resolve(__dirname, '..', '..');
const DIST = join(ROOT, 'dist');
const PG = 'postgres://postgres@127.0.0.1:5432';
const DB = 'plans_platform_bench_events';
const DATABASE_URL = `${PG}/${DB}`;
const VHOST = 'plans_bench_events';
const REDIS_URL = 'redis://127.0.0.1:6379/6';
const RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${VHOST}`;
const PORTS = { sim: 3230, core: 3231, gateway: 3232, scheduler: 3233, floor: 3234 };
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };
const TIME_ZONE = 'Europe/Madrid';
const LIMIT = '1000000000'; // counted on every request, never refused

const PLANS = positiveInt('BENCH_PLANS', 10_000);
const ROUNDS = positiveInt('BENCH_ROUNDS', 6);
const ROUND_S = positiveInt('BENCH_ROUND_S', 5);
const RATE = positiveInt('BENCH_RATE', 2000);
const MAX_IN_FLIGHT = positiveInt('BENCH_CONNECTIONS', 50);

const log = (message: string) => console.log(`[events-bench] ${message}`);
const children: ManagedChild[] = [];

async function eventually<T>(what: string, timeoutMs: number, probe: () => Promise<T | undefined>): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await new Promise((done) => setTimeout(done, 100));
  }
  throw new Error(`${what} not within ${timeoutMs} ms`);
}

async function start(name: keyof typeof PORTS, script: string, env: NodeJS.ProcessEnv, logDir: string): Promise<ManagedChild> {
  // The apps run with their deployed heap flags and malloc settings; the simulator and the floor with Node's defaults.
  const deployed = name === 'core' || name === 'gateway' || name === 'scheduler';
  const child = spawnNode(name, script, deployed ? { ...env, ...deployedRuntimeEnv(ROOT, name) } : env, logDir);
  children.push(child);
  await waitForReady(child, `http://127.0.0.1:${PORTS[name]}/health/ready`, 60_000);
  return child;
}

interface RunRow {
  id: string;
  status: string;
  duration_ms: number;
  new: number;
  changed: number;
  unchanged: number;
  invalid: number;
  error: string | null;
}

async function finishedRun(db: Client, after: Date): Promise<RunRow> {
  return eventually('a finished sync run', 120_000, async () => {
    const { rows } = await db.query<RunRow>(
      `SELECT id, status, (extract(epoch FROM finished_at - started_at) * 1000)::int AS duration_ms, new, changed, unchanged, invalid, error
         FROM provider_sync_runs WHERE started_at >= $1 AND status IN ('succeeded', 'failed') ORDER BY started_at DESC LIMIT 1`,
      [after],
    );
    return rows[0];
  });
}

// Row versions written since `xid`: every insert or update of provider_plans leaves a tuple with a newer xmin.
async function rowsWrittenSince(db: Client, xid: string): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT count(*) AS n FROM provider_plans WHERE xmin::text::bigint > $1::bigint`, [xid]);
  return Number(rows[0].n);
}

async function tupleStats(db: Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT (n_tup_ins + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_user_tables WHERE relname = 'provider_plans'`);
  return Number(rows[0].n);
}

async function measureSync(db: Client, scheduler: ManagedChild, adminToken: string): Promise<SyncFigures> {
  const first = await finishedRun(db, new Date(0));
  if (first.status !== 'succeeded') throw new Error(`start-up sync failed: ${first.error}`);
  const schedulerRssMb = peakRssBytes(scheduler.process.pid!) / 2 ** 20;
  log(`start-up sync: ${first.new} new, ${first.invalid} invalid in ${first.duration_ms} ms; scheduler peak RSS ${schedulerRssMb.toFixed(0)} MB`);

  // Stats are flushed by each backend at most every second while busy and within ~10 s when idle: wait for them.
  let stats = await tupleStats(db);
  stats = await eventually('settled table statistics', 30_000, async () => {
    await new Promise((done) => setTimeout(done, 1500));
    await db.query('SELECT pg_stat_clear_snapshot()');
    const now = await tupleStats(db);
    const settled = now === stats && now >= first.new ? now : undefined;
    stats = now;
    return settled;
  });
  const { rows } = await db.query<{ xid: string }>(`SELECT (txid_current() % 4294967296)::text AS xid`);
  const before = new Date();
  const started = await call('POST', `http://127.0.0.1:${PORTS.gateway}/api/v1/admin/sync`, { authorization: `Bearer ${adminToken}` });
  expectStatus('POST /admin/sync', started, 202);
  const repeat = await finishedRun(db, new Date(before.getTime() - 1000));
  if (repeat.status !== 'succeeded') throw new Error(`repeat sync failed: ${repeat.error}`);
  await new Promise((done) => setTimeout(done, 11_000)); // past the idle flush interval, so the counters are in
  await db.query('SELECT pg_stat_clear_snapshot()');
  return {
    plans: PLANS,
    durationMs: first.duration_ms,
    newPlans: first.new,
    invalid: first.invalid,
    schedulerRssMb,
    repeatDurationMs: repeat.duration_ms,
    repeatUnchanged: repeat.unchanged,
    repeatRowVersions: await rowsWrittenSince(db, rows[0].xid),
    repeatTupleWrites: (await tupleStats(db)) - stats,
  };
}

async function measureSearch(db: Client, processes: Record<'project' | 'floor', Array<{ name: string; pid: number }>>): Promise<EventsRound[]> {
  const paths = await rangePaths(db, TIME_ZONE);
  const urls = { project: `http://127.0.0.1:${PORTS.gateway}`, floor: `http://127.0.0.1:${PORTS.floor}` };
  // Same answers first: the floor must do the gateway's work, not less. Every window once, so both serve the
  // measured rounds warm (the floor holds the catalog in memory from its start; the gateway fills its cache).
  for (const path of paths) {
    const [project, floor] = await Promise.all([call('GET', `${urls.project}${path}`), call('GET', `${urls.floor}${path}`)]);
    expectStatus(`project ${path}`, project, 200);
    const [projectJson, floorJson] = [JSON.stringify(project.body), JSON.stringify(floor.body)];
    if (projectJson !== floorJson) {
      const at = [...projectJson].findIndex((char, index) => char !== floorJson[index]);
      throw new Error(`floor and project disagree on ${path} at ${at}: project …${projectJson.slice(at - 80, at + 120)} floor …${floorJson.slice(at - 80, at + 120)}`);
    }
  }
  const rounds: EventsRound[] = [];
  for (let round = 0; round < ROUNDS; round += 1) {
    // Alternate who goes first, so drift on the machine falls on both alike.
    const order: Array<'project' | 'floor'> = round % 2 === 0 ? ['project', 'floor'] : ['floor', 'project'];
    for (const target of order) {
      await pacedLoad({
        url: urls[target],
        method: 'GET',
        headers: {},
        body: () => '',
        path: (i) => paths[i % paths.length],
        ratePerSecond: RATE,
        durationS: 1,
        maxInFlight: MAX_IN_FLIGHT,
        timeoutMs: 5000,
      });
      const before = cpuSnapshot(processes[target]);
      const result: PacedLoadResult = await pacedLoad({
        url: urls[target],
        method: 'GET',
        headers: {},
        body: () => '',
        path: (i) => paths[(i * 7919 + round) % paths.length],
        ratePerSecond: RATE,
        durationS: ROUND_S,
        maxInFlight: MAX_IN_FLIGHT,
        timeoutMs: 5000,
      });
      const cpu = cpuSpent(before, cpuSnapshot(processes[target]));
      const ok = result.statuses[200] ?? 0;
      rounds.push({ target, index: round, result, cpuMicros: cpu, okRequests: ok });
      log(
        `round ${round + 1} ${target}: p50 ${result.latencyP50Ms.toFixed(2)} ms, p99 ${result.latencyP99Ms.toFixed(2)} ms, ${ok}/${result.sent} ok, CPU ${(Object.values(cpu).reduce((a, b) => a + b, 0) / Math.max(1, ok)).toFixed(0)} µs/req`,
      );
    }
  }
  return rounds;
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'events-bench-'));
  writeKeyPair(join(workDir, 'keys'));
  await recreateDatabase(PG, DB);
  await migrate(DATABASE_URL);
  recreateVhost(VHOST);
  execFileSync('redis-cli', ['-n', '6', 'FLUSHDB'], { stdio: 'pipe' });
  const common = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL,
    REDIS_URL,
    RABBITMQ_URL,
    JWT_KEYS_DIR: join(workDir, 'keys'),
    JWT_ACCESS_TTL: '1h',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    RATE_LIMIT_ANON_PER_HOUR: LIMIT,
    RATE_LIMIT_USER_PER_HOUR: LIMIT,
    PROVIDER_TIMEZONE: TIME_ZONE,
  };
  await start('sim', join(DIST, 'apps/provider-sim/src/main.js'), { ...common, ...simEnv(PORTS.sim, PLANS) }, workDir);
  const core = await start('core', join(DIST, 'apps/core/src/main.js'), { ...common, CORE_PORT: String(PORTS.core) }, workDir);
  const gateway = await start('gateway', join(DIST, 'apps/gateway/src/main.js'), { ...common, PORT: String(PORTS.gateway) }, workDir);
  const scheduler = await start(
    'scheduler',
    join(DIST, 'apps/scheduler/src/main.js'),
    { ...common, SCHEDULER_PORT: String(PORTS.scheduler), PROVIDER_URL: `http://127.0.0.1:${PORTS.sim}/feed`, PROVIDER_SYNC_INTERVAL: '1h' },
    workDir,
  );
  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  try {
    const token = await call('POST', `http://127.0.0.1:${PORTS.gateway}/api/v1/auth/token`, {}, { username: ADMIN.email, password: ADMIN.password });
    expectStatus('admin token', token, 200);
    const sync = await measureSync(db, scheduler, (token.body as { access_token: string }).access_token);
    const floor = await start('floor', join(DIST, 'bench/floor-events.js'), { ...common, ...eventsFloorEnv(PORTS.floor) }, workDir);
    const rounds = await measureSearch(db, {
      project: [
        { name: 'gateway', pid: gateway.process.pid! },
        { name: 'core', pid: core.process.pid! },
      ],
      floor: [{ name: 'floor', pid: floor.process.pid! }],
    });
    const rss = {
      gateway: peakRssBytes(gateway.process.pid!) / 2 ** 20,
      core: peakRssBytes(core.process.pid!) / 2 ** 20,
      floor: peakRssBytes(floor.process.pid!) / 2 ** 20,
    };
    const commit = execFileSync('git', ['rev-parse', '--short', 'HEAD'], { cwd: ROOT }).toString().trim();
    const machine = `${cpus().length} × ${cpus()[0]?.model ?? 'cpu'}, ${(totalmem() / 2 ** 30).toFixed(1)} GB, load ${loadavg()[0].toFixed(2)} at start`;
    eventsReport({ commit, machine, rate: RATE, roundS: ROUND_S, sync, rounds, rss, median, file: join(ROOT, 'bench', 'RESULTS.md') });
  } finally {
    await db.end();
  }
}

main()
  .catch((error: unknown) => {
    console.error(error instanceof Error ? error.message : error);
    process.exitCode = 1;
  })
  .finally(async () => {
    await Promise.all(children.map((child) => stopChild(child, 15_000)));
  });

// Sales dashboard bench (issue 8, point 10): 1M orders, the refresh's duration, and the dashboard read's latency
// through the gateway. Self-contained (its own database, vhost, Redis database and ports 3210-3211), so it runs
// beside the main harness, a dev stack or an e2e run.
//
//   npm run build && node dist/bench/dashboard-bench.js
//   BENCH_ORDERS=200000 BENCH_DURATION_S=5 node dist/bench/dashboard-bench.js
import autocannon from 'autocannon';
import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, mkdtempSync, openSync, readFileSync, rmSync } from 'node:fs';
import { cpus, loadavg, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { performance } from 'node:perf_hooks';
import Redis from 'ioredis';
import { Client } from 'pg';
import { recreateDatabase, recreateVhost } from './setup.util';
import { positiveInt } from './env.util';

const ROOT = resolve(__dirname, '..', '..'); // dist/bench/dashboard-bench.js -> repository root
const PG = 'postgres://postgres@127.0.0.1:5432';
const DB = 'plans_platform_bench_dashboard';
const VHOST = 'plans_bench_dashboard';
const REDIS_URL = 'redis://127.0.0.1:6379/7';
const PORTS = { gateway: 3210, core: 3211 };
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };

const ORDERS = positiveInt('BENCH_ORDERS', 1_000_000);
const DAYS = 365; // orders spread over the last year, so days=30 reads 30 rows of a 365-row view
const DURATION_S = positiveInt('BENCH_DURATION_S', 10);
const WARMUP_S = 2;
const READ_PATH = '/api/v1/dashboard/sales?days=30';
// For comparison: another admin read that is one RPC to core and one small Postgres query.
const BASELINE_PATH = '/api/v1/users?page_size=1';

const log = (message: string) => console.log(`[dashboard-bench] ${message}`);

interface Child {
  name: string;
  process: ChildProcess;
  logFile: string;
  exited: Promise<void>;
}

const children: Child[] = [];

function startApp(name: 'core' | 'gateway', env: NodeJS.ProcessEnv, workDir: string): Child {
  const logFile = join(workDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const managed = { name, process: child, logFile, exited: new Promise<void>((done) => child.once('exit', () => done())) };
  children.push(managed);
  return managed;
}

async function waitForReady(child: Child, port: number): Promise<void> {
  const deadline = Date.now() + 60_000;
  while (Date.now() < deadline) {
    if (child.process.exitCode !== null) throw new Error(`${child.name} exited:\n${readFileSync(child.logFile, 'utf8').slice(-2000)}`);
    try {
      if ((await fetch(`http://127.0.0.1:${port}/health/ready`, { signal: AbortSignal.timeout(1000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await new Promise((done) => setTimeout(done, 200));
  }
  throw new Error(`${child.name} not ready within 60 s`);
}

async function stopAll(): Promise<void> {
  await Promise.all(
    children.map(async (child) => {
      if (child.process.exitCode !== null) return;
      child.process.kill('SIGTERM');
      const killer = setTimeout(() => child.process.kill('SIGKILL'), 15_000);
      await child.exited;
      clearTimeout(killer);
    }),
  );
}

async function freshState(): Promise<void> {
  await recreateDatabase(PG, DB);
  recreateVhost(VHOST);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
}

// 1M rows in one statement, spread over the last DAYS UTC days, amounts 0.01..100.00.
async function seed(db: Client, count: number, offset = 0, days = DAYS): Promise<number> {
  const started = performance.now();
  await db.query(
    `INSERT INTO orders (id, user_id, product_name, amount, currency, request_hash, created_at)
     SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'bench order ' || i, ((i % 10000) + 1) / 100.0, 'USD',
            md5(i::text) || md5(i::text),
            now() - ((i % $2) || ' days')::interval - ((i % 86400) || ' seconds')::interval
       FROM generate_series($3::int + 1, $3::int + $1::int) AS i`,
    [count, days, offset],
  );
  await db.query('ANALYZE orders');
  return performance.now() - started;
}

async function call(method: string, path: string, token: string, body?: unknown) {
  const started = performance.now();
  const response = await fetch(`http://127.0.0.1:${PORTS.gateway}${path}`, {
    method,
    headers: { authorization: `Bearer ${token}`, ...(body === undefined ? {} : { 'content-type': 'application/json' }) },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  const json: unknown = await response.json();
  if (response.status !== 200) throw new Error(`${method} ${path}: ${response.status} ${JSON.stringify(json)}`);
  return { json, ms: performance.now() - started };
}

// The sum and count of a histogram's series whose labels include `labels`, from a /metrics scrape.
async function histogram(port: number, name: string, labels: Record<string, string>): Promise<{ sum: number; count: number }> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  const total = { sum: 0, count: 0 };
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (!match || (match[1] !== `${name}_sum` && match[1] !== `${name}_count`)) continue;
    if (!Object.entries(labels).every(([key, value]) => match[2].includes(`${key}="${value}"`))) continue;
    total[match[1].endsWith('_sum') ? 'sum' : 'count'] += Number(match[3]);
  }
  return total;
}

// A counter's value summed over the series whose labels include `labels`, from a /metrics scrape.
async function counter(port: number, name: string, labels: Record<string, string>): Promise<number> {
  const text = await (await fetch(`http://127.0.0.1:${port}/metrics`)).text();
  let total = 0;
  for (const line of text.split('\n')) {
    const match = /^(\w+)\{(.*)\} (\S+)$/.exec(line);
    if (match?.[1] === name && Object.entries(labels).every(([key, value]) => match[2].includes(`${key}="${value}"`))) total += Number(match[3]);
  }
  return total;
}

// Mean milliseconds per request spent inside the gateway (Fastify's elapsed time) and inside core's handler,
// between two scrapes, and how many reads the gateway answered from its cache (the rest asked core): what is left
// of the client's time is the network, RabbitMQ and waiting for a CPU.
async function serverSideMeans(run: () => Promise<ReadResult>): Promise<{ read: ReadResult; gatewayMs: number; coreMs: number; coreCalls: number; hits: number }> {
  const gatewayLabels = { route: '/api/v1/dashboard/sales', status: '200' };
  const coreLabels = { pattern: 'dashboard.sales', outcome: 'handled' };
  const hitLabels = { cache: 'sales', result: 'hit' };
  const [gatewayBefore, coreBefore, hitsBefore] = await Promise.all([
    histogram(PORTS.gateway, 'http_request_duration_seconds', gatewayLabels),
    histogram(PORTS.core, 'rmq_message_duration_seconds', coreLabels),
    counter(PORTS.gateway, 'cache_lookups_total', hitLabels),
  ]);
  const read = await run();
  const [gatewayAfter, coreAfter, hitsAfter] = await Promise.all([
    histogram(PORTS.gateway, 'http_request_duration_seconds', gatewayLabels),
    histogram(PORTS.core, 'rmq_message_duration_seconds', coreLabels),
    counter(PORTS.gateway, 'cache_lookups_total', hitLabels),
  ]);
  const mean = (after: { sum: number; count: number }, before: { sum: number; count: number }) =>
    after.count > before.count ? ((after.sum - before.sum) / (after.count - before.count)) * 1000 : 0;
  return {
    read,
    gatewayMs: mean(gatewayAfter, gatewayBefore),
    coreMs: mean(coreAfter, coreBefore),
    coreCalls: coreAfter.count - coreBefore.count,
    hits: hitsAfter - hitsBefore,
  };
}

function percentile(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.ceil((p / 100) * sorted.length) - 1)];
}

interface ReadResult {
  path: string;
  connections: number;
  requests: number;
  reqPerSec: number;
  p50: number;
  p90: number;
  p99: number;
  max: number;
}

// autocannon's own histogram keeps whole milliseconds; its per-response times are sub-millisecond, so the
// percentiles are computed from those.
async function measureRead(path: string, token: string, connections: number): Promise<ReadResult> {
  const options: autocannon.Options = { url: `http://127.0.0.1:${PORTS.gateway}${path}`, headers: { authorization: `Bearer ${token}` }, connections };
  await autocannon({ ...options, duration: WARMUP_S });
  const times: number[] = [];
  const result = await autocannon({
    ...options,
    duration: DURATION_S,
    // Each client reports every response with its sub-millisecond duration.
    setupClient: (client) => {
      client.on('response', (statusCode: number, _bytes: number, ms: number) => {
        if (statusCode === 200) times.push(ms);
      });
    },
  });
  const bad = result.non2xx + result.errors + result.timeouts;
  if (bad > 0) throw new Error(`${path} @ ${connections} connections: ${result.non2xx} non-2xx, ${result.errors} errors, ${result.timeouts} timeouts`);
  times.sort((a, b) => a - b);
  return {
    path,
    connections,
    requests: times.length,
    reqPerSec: Math.round(result.requests.average),
    p50: percentile(times, 50),
    p90: percentile(times, 90),
    p99: percentile(times, 99),
    max: times[times.length - 1],
  };
}

async function main(): Promise<void> {
  const workDir = mkdtempSync(join(tmpdir(), 'dashboard-bench-'));
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    HOME: process.env.HOME,
    NODE_ENV: 'development',
    LOG_LEVEL: 'warn',
    DATABASE_URL: `${PG}/${DB}`,
    REDIS_URL,
    RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${VHOST}`,
    JWT_KEYS_DIR: join(workDir, 'keys'),
    JWT_ACCESS_TTL: '1h',
    RATE_LIMIT_ANON_PER_HOUR: '1000000000',
    RATE_LIMIT_USER_PER_HOUR: '1000000000',
    ADMIN_EMAIL: ADMIN.email,
    ADMIN_PASSWORD: ADMIN.password,
    PORT: String(PORTS.gateway),
    CORE_PORT: String(PORTS.core),
  };
  let failed = false;
  try {
    log(`fresh database ${DB}, vhost ${VHOST}, Redis db 7; logs in ${workDir}`);
    await freshState();
    const core = startApp('core', env, workDir);
    await waitForReady(core, PORTS.core); // migrated and the admin created
    const db = new Client({ connectionString: `${PG}/${DB}` });
    await db.connect();
    const seedMs = await seed(db, ORDERS);
    log(`seeded ${ORDERS} orders over ${DAYS} days in ${(seedMs / 1000).toFixed(1)} s`);
    const gateway = startApp('gateway', env, workDir);
    await waitForReady(gateway, PORTS.gateway);
    const login = await fetch(`http://127.0.0.1:${PORTS.gateway}/api/v1/auth/token`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ username: ADMIN.email, password: ADMIN.password }),
    });
    const token = ((await login.json()) as { access_token: string }).access_token;

    type Refreshed = { refreshed_at: string; duration_ms: number };
    const refreshes: Array<{ case: string; durationMs: number; callMs: number }> = [];
    const refresh = async (label: string) => {
      const { json, ms } = await call('POST', '/api/v1/admin/refresh', token);
      refreshes.push({ case: label, durationMs: (json as Refreshed).duration_ms, callMs: ms });
      log(`refresh (${label}): duration_ms ${(json as Refreshed).duration_ms}, call ${ms.toFixed(0)} ms`);
    };
    await refresh(`first, ${ORDERS} orders (view from empty)`);
    await refresh(`again, no change`);
    await seed(db, 10_000, ORDERS, 1);
    await refresh(`after 10k new orders today`);

    // The answer must be the orders' own totals, computed straight from the table.
    const { json: answer } = await call('GET', READ_PATH, token);
    const { rows: truth } = await db.query<{ sale_date: string; total_revenue: string; order_count: string }>(
      `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS sale_date, sum(amount)::text AS total_revenue, count(*)::text AS order_count
         FROM orders WHERE (created_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 30
        GROUP BY 1 ORDER BY 1 DESC`,
    );
    const expected = truth.map((row) => ({ sale_date: row.sale_date, total_revenue: Number(row.total_revenue), order_count: Number(row.order_count) }));
    if (JSON.stringify((answer as { data: unknown }).data) !== JSON.stringify(expected)) throw new Error('the dashboard does not match the orders table');
    log(`GET ${READ_PATH}: ${expected.length} days, matching the orders table`);

    const plan = await db.query<{ 'QUERY PLAN': string }>(
      `EXPLAIN (ANALYZE, TIMING OFF) SELECT * FROM daily_sales_mv
        WHERE sale_date BETWEEN (now() AT TIME ZONE 'UTC')::date - 29 AND (now() AT TIME ZONE 'UTC')::date ORDER BY sale_date DESC`,
    );
    const execution = plan.rows.map((row) => row['QUERY PLAN']).find((line) => line.startsWith('Execution Time'));
    await db.end();

    const loadBefore = loadavg()[0];
    const reads: ReadResult[] = [];
    const breakdown = await serverSideMeans(() => measureRead(READ_PATH, token, 1));
    reads.push(breakdown.read, await measureRead(BASELINE_PATH, token, 1));
    reads.push(await measureRead(READ_PATH, token, 10), await measureRead(BASELINE_PATH, token, 10));

    const f = (ms: number) => ms.toFixed(2);
    console.log(`
## Sales dashboard bench, ${new Date().toISOString()}

- Machine: ${cpus()[0]?.model ?? 'unknown'}, ${cpus().length} cores, Node ${process.version}; ${ORDERS} orders over ${DAYS} UTC days (+10k today), seeded with generate_series in ${(seedMs / 1000).toFixed(1)} s
- Refresh: REFRESH MATERIALIZED VIEW CONCURRENTLY daily_sales_mv through POST /api/v1/admin/refresh

| refresh | duration_ms | call ms |
| --- | ---: | ---: |
${refreshes.map((r) => `| ${r.case} | ${r.durationMs} | ${r.callMs.toFixed(0)} |`).join('\n')}

- Read: GET ${READ_PATH} (admin token) through the gateway: its cache fast path (rate limit, principal and the cached view in one Redis round trip), or on a miss the RPC to core and one transaction on the view; ${WARMUP_S} s warm-up, ${DURATION_S} s measured
- The view query itself in Postgres: ${execution ?? 'n/a'}
- Where the time goes at 1 connection (means): client ${(1000 / breakdown.read.reqPerSec).toFixed(2)} ms per request, of which the gateway ${breakdown.gatewayMs.toFixed(2)} ms (Fastify, from request to response); ${breakdown.hits} reads (warm-up included) answered from the gateway's cache (each refresh writes the view's answer to Redis), ${breakdown.coreCalls} asked core (its handler ${breakdown.coreMs.toFixed(2)} ms on average)
- Machine load (1-min average, ${cpus().length} cores) before / after the reads: ${loadBefore.toFixed(2)} / ${loadavg()[0].toFixed(2)}; other work on the machine inflates the tail

| route | connections | requests | req/s | p50 ms | p90 ms | p99 ms | max ms | p99 < 5 ms (1 conn) / < 10 ms (10) |
| --- | ---: | ---: | ---: | ---: | ---: | ---: | ---: | --- |
${reads.map((r) => `| ${r.path === READ_PATH ? 'dashboard' : 'baseline: GET /users'} | ${r.connections} | ${r.requests} | ${r.reqPerSec} | ${f(r.p50)} | ${f(r.p90)} | ${f(r.p99)} | ${f(r.max)} | ${r.p99 < (r.connections === 1 ? 5 : 10) ? 'yes' : 'no'} |`).join('\n')}
`);
  } catch (error) {
    failed = true;
    console.error(`[dashboard-bench] failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}`);
  } finally {
    await stopAll();
    if (!failed) rmSync(workDir, { recursive: true, force: true });
  }
  process.exitCode = failed ? 1 : 0;
}

void main();

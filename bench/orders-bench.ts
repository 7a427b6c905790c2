import { generateKeyPairSync, randomUUID } from 'node:crypto';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { cpus, tmpdir } from 'node:os';
import { join } from 'node:path';
import amqp from 'amqplib';
import autocannon from 'autocannon';
import Redis from 'ioredis';
import { Client } from 'pg';
import { recreateDatabase, recreateVhost } from './setup.util';
import { assertPortFree, Child, cpuSeconds, median, metricValue, pidsOf, sleep, spawnNode, stop, tail, waitForReady } from './orders-bench.util';

// The orders benchmark (issue 8, point 10), runnable on its own: `npm run build && node dist/bench/orders-bench.js`.
//   1. POST /api/v1/orders: the project (gateway + core) against a hand-written Fastify floor (orders-floor.ts)
//      doing the same work, in interleaved rounds (floor, project, project, floor, ...); the verdict is the
//      median of the per-round ratios of req/s, with each target's CPU per request. Core runs throughout and
//      stores both targets' orders, so the machine carries the same background work in both.
//   2. Drain: N orders published straight to the orders queue while core is stopped, then core started; the
//      rate is orders stored per second, from the first stored to the last (search is the same rows: the
//      Postgres backend's search_vector), with where the CPU went.
// Needs the local Postgres, Redis, RabbitMQ (rabbitmqctl) and ports 3200-3209. Its own database, vhost and Redis
// database (15). ORDERS_BENCH_CPU_PROF=gateway,floor,core writes --cpu-prof profiles to bench/profiles/
// (read them with node dist/bench/cpu-profile.util.js <file> 30). Settings: ORDERS_BENCH_ROUNDS (3), ORDERS_BENCH_DURATION_S (10), ORDERS_BENCH_WARMUP_S (3),
// ORDERS_BENCH_CONNECTIONS (50), ORDERS_BENCH_DRAIN_N (200000), ORDERS_BENCH_ONLY (post | drain).

const ROOT = join(__dirname, '..', '..');
const PORTS = { gateway: 3200, core: 3201, floor: 3202 };
const DB = 'plans_platform_bench_orders';
const VHOST = 'plans_bench_orders';
const REDIS_URL = 'redis://127.0.0.1:6379/15';
const RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${VHOST}`;
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const QUEUE = 'core.orders';

const settings = {
  rounds: Number(process.env.ORDERS_BENCH_ROUNDS ?? 3),
  durationS: Number(process.env.ORDERS_BENCH_DURATION_S ?? 10),
  warmUpS: Number(process.env.ORDERS_BENCH_WARMUP_S ?? 3),
  connections: Number(process.env.ORDERS_BENCH_CONNECTIONS ?? 50),
  drainN: Number(process.env.ORDERS_BENCH_DRAIN_N ?? 200_000),
  only: process.env.ORDERS_BENCH_ONLY,
};

type Target = 'floor' | 'project';

function profiled(name: string): string[] {
  return (process.env.ORDERS_BENCH_CPU_PROF ?? '').split(',').includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${join(ROOT, 'bench', 'profiles')}`] : [];
}

// ORDERS_* variables given to the bench are passed on to core (batch size, wait, concurrency, prefetch).
function coreTuning(): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(process.env).filter(([name]) => /^ORDERS_(BATCH_SIZE|BATCH_WAIT_MS|FLUSH_CONCURRENCY|PREFETCH)$/.test(name)));
}

interface Run {
  round: number;
  target: Target;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
  cpuMsPerRequest: number; // the target's own process (gateway or floor)
  coreCpuMsPerRequest: number;
}

async function recreateStores(): Promise<void> {
  await recreateDatabase('postgres://postgres@127.0.0.1:5432', DB);
  recreateVhost(VHOST);
  const redis = new Redis(REDIS_URL);
  await redis.flushdb();
  redis.disconnect();
}

async function queueDepth(): Promise<number> {
  const connection = await amqp.connect(RABBITMQ_URL);
  try {
    const channel = await connection.createChannel();
    return (await channel.checkQueue(QUEUE)).messageCount;
  } finally {
    await connection.close();
  }
}

async function waitForEmptyQueue(timeoutMs = 120_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while ((await queueDepth()) > 0) {
    if (Date.now() > deadline) throw new Error('the orders queue did not drain');
    await sleep(200);
  }
}

async function signup(baseUrl: string): Promise<string> {
  const email = `bench-${randomUUID().slice(0, 8)}@example.com`;
  const password = 'bench-password-1';
  const post = (path: string, body: unknown) =>
    fetch(`${baseUrl}${path}`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) });
  if ((await post('/api/v1/auth/signup', { name: 'Bench User', email, password })).status !== 201) throw new Error('signup failed');
  const token = (await (await post('/api/v1/auth/token', { username: email, password })).json()) as { access_token: string };
  const me = await fetch(`${baseUrl}/api/v1/users/me`, { headers: { authorization: `Bearer ${token.access_token}` } });
  if (me.status !== 200) throw new Error(`/users/me answered ${me.status}`);
  return token.access_token;
}

const ORDER = { product_name: 'Bench annual subscription', amount: 49.99 };

async function probe(target: Target, baseUrl: string, token: string): Promise<string[]> {
  const res = await fetch(`${baseUrl}/api/v1/orders`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
  });
  const body = (await res.json()) as Record<string, unknown>;
  if (res.status !== 202 || !res.headers.get('location')) throw new Error(`${target}: POST /orders answered ${res.status} ${JSON.stringify(body)}`);
  return Object.keys(body);
}

async function cannon(baseUrl: string, token: string, durationS: number): Promise<autocannon.Result> {
  const result = await autocannon({
    url: `${baseUrl}/api/v1/orders`,
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify(ORDER),
    connections: settings.connections,
    duration: durationS,
  });
  const wrong = Object.entries(result.statusCodeStats ?? {}).filter(([code, stats]) => code !== '202' && (stats.count ?? 0) > 0);
  if (wrong.length > 0 || result.errors > 0 || result.timeouts > 0) {
    throw new Error(`unexpected answers: ${JSON.stringify(wrong)} errors ${result.errors} timeouts ${result.timeouts}`);
  }
  return result;
}

async function postScenario(targets: Record<Target, { url: string; pid: number }>, corePid: number, token: string): Promise<Run[]> {
  const [floorKeys, projectKeys] = [await probe('floor', targets.floor.url, token), await probe('project', targets.project.url, token)];
  if (floorKeys.join() !== projectKeys.join()) throw new Error(`floor and project answer different bodies: ${floorKeys.join()} / ${projectKeys.join()}`);
  for (const target of ['floor', 'project'] as Target[]) await cannon(targets[target].url, token, settings.warmUpS);
  await waitForEmptyQueue();
  const runs: Run[] = [];
  for (let round = 1; round <= settings.rounds; round++) {
    const order: Target[] = round % 2 ? ['floor', 'project'] : ['project', 'floor'];
    for (const target of order) {
      const cpuBefore = cpuSeconds(targets[target].pid);
      const coreBefore = cpuSeconds(corePid);
      const result = await cannon(targets[target].url, token, settings.durationS);
      const requests = result.requests.total;
      runs.push({
        round,
        target,
        reqPerSec: result.requests.average,
        p50Ms: result.latency.p50,
        p99Ms: result.latency.p99,
        requests,
        cpuMsPerRequest: ((cpuSeconds(targets[target].pid) - cpuBefore) * 1000) / requests,
        coreCpuMsPerRequest: ((cpuSeconds(corePid) - coreBefore) * 1000) / requests,
      });
      process.stdout.write(`  round ${round} ${target}: ${result.requests.average.toFixed(0)} req/s, p99 ${result.latency.p99} ms\n`);
      await waitForEmptyQueue();
    }
  }
  return runs;
}

interface Drain {
  orders: number;
  publishPerSec: number;
  storedPerSec: number;
  seconds: number;
  searchable: number;
  batches: number;
  meanBatch: number;
  meanBatchMs: number;
  storeShare: number; // time inside store (transaction + cache) / wall time, summed over concurrent batches
  transactionMs: number; // mean per batch
  cacheMs: number;
  cpu: Record<string, number>; // CPU seconds over the drain
}

async function drainScenario(startCore: () => Promise<Child>, stopCore: () => Promise<void>): Promise<Drain> {
  await waitForEmptyQueue();
  await stopCore();
  const userId = randomUUID();
  const word = `drain${Date.now().toString(36)}`;
  const connection = await amqp.connect(RABBITMQ_URL);
  const channel = await connection.createConfirmChannel();
  const published = Date.now();
  const N = settings.drainN;
  let sent = 0;
  await new Promise<void>((resolve, reject) => {
    let confirmed = 0;
    let inFlight = 0;
    const pump = () => {
      while (inFlight < 2000 && sent < N) {
        const id = randomUUID();
        const order = {
          id,
          user_id: userId,
          product_name: `${word} item ${sent}`,
          amount: `${(sent % 1000) + 1}.99`,
          currency: 'USD',
          plan_id: null,
          idempotency_key: null,
          request_hash: '0'.repeat(64),
          created_at: new Date().toISOString(),
        };
        inFlight++;
        sent++;
        channel.publish(
          '',
          QUEUE,
          Buffer.from(JSON.stringify({ pattern: 'orders.place', data: { orders: [order] } })),
          { persistent: true, messageId: id },
          (error: unknown) => {
            if (error) return reject(error instanceof Error ? error : new Error('publish refused'));
            inFlight--;
            if (++confirmed === N) resolve();
            else pump();
          },
        );
      }
    };
    pump();
  });
  const publishPerSec = N / ((Date.now() - published) / 1000);
  await connection.close();

  const db = new Client({ connectionString: DATABASE_URL });
  await db.connect();
  const count = async () => (await db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [userId])).rows[0].n;
  // CPU of each service's processes, by pid: backends that start during the drain (core's pool) count from zero.
  const names = { rabbitmq: 'beam.smp', postgres: 'postgres', redis: 'redis-server' } as const;
  const snapshot = () => Object.fromEntries(Object.entries(names).map(([service, name]) => [service, new Map(pidsOf(name).map((pid) => [pid, cpuSeconds(pid)]))]));
  const usedSince = (before: Map<number, number>, after: Map<number, number>) => [...after].reduce((sum, [pid, cpu]) => sum + cpu - (before.get(pid) ?? 0), 0);
  const before = snapshot();
  const core = await startCore();
  const coreBefore = cpuSeconds(core.process.pid);
  let first: { at: number; n: number } | undefined;
  let last: number;
  for (;;) {
    const n = await count();
    if (n > 0 && !first) first = { at: Date.now(), n };
    if (n >= N) {
      last = Date.now();
      break;
    }
    await sleep(20);
  }
  const seconds = (last - first!.at) / 1000;
  const after = snapshot();
  const cpu = {
    core: cpuSeconds(core.process.pid) - coreBefore,
    rabbitmq: usedSince(before.rabbitmq, after.rabbitmq),
    postgres: usedSince(before.postgres, after.postgres),
    redis: usedSince(before.redis, after.redis),
  };
  const searchable = (await db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE search_vector @@ websearch_to_tsquery('simple', $1)`, [word])).rows[0].n;
  await db.end();
  const metrics = await (await fetch(`http://127.0.0.1:${PORTS.core}/metrics`)).text();
  const batches = metricValue(metrics, 'orders_batch_size_count');
  const batchSeconds = metricValue(metrics, 'orders_batch_duration_seconds_sum');
  return {
    orders: N,
    publishPerSec,
    storedPerSec: (N - first!.n) / seconds,
    seconds,
    searchable,
    batches,
    meanBatch: metricValue(metrics, 'orders_batch_size_sum') / batches,
    meanBatchMs: (batchSeconds / batches) * 1000,
    storeShare: batchSeconds / seconds,
    transactionMs: (phase(metrics, 'transaction') / batches) * 1000,
    cacheMs: (phase(metrics, 'cache') / batches) * 1000,
    cpu,
  };
}

const phase = (metrics: string, name: string) => metricValue(metrics, `orders_batch_phase_seconds_sum{phase="${name}"}`);

function report(runs: Run[], drain: Drain | undefined): string {
  const lines = [`## Orders benchmark, ${new Date().toISOString()}`, '', `Machine: ${cpus().length} x ${cpus()[0]?.model ?? 'cpu'}; node ${process.version}.`];
  if (runs.length > 0) {
    const ratios = [...new Set(runs.map((run) => run.round))].map((round) => {
      const [floor, project] = (['floor', 'project'] as Target[]).map((target) => runs.find((run) => run.round === round && run.target === target)!);
      return project.reqPerSec / floor.reqPerSec;
    });
    const ratio = median(ratios);
    lines.push(
      '',
      `POST /api/v1/orders, ${settings.connections} connections, ${settings.rounds} interleaved rounds of ${settings.durationS} s per target (after ${settings.warmUpS} s warm-up):`,
      '',
      '| round | target | req/s | p50 ms | p99 ms | CPU ms/req (target) | CPU ms/req (core, storing) |',
      '|---|---|---|---|---|---|---|',
      ...runs.map(
        (run) =>
          `| ${run.round} | ${run.target} | ${run.reqPerSec.toFixed(0)} | ${run.p50Ms} | ${run.p99Ms} | ${run.cpuMsPerRequest.toFixed(3)} | ${run.coreCpuMsPerRequest.toFixed(3)} |`,
      ),
      '',
      `Median ratio project/floor (req/s): ${ratio.toFixed(2)} (rounds: ${ratios.map((r) => r.toFixed(2)).join(', ')}); target >= 0.80: ${ratio >= 0.8 ? 'PASS' : 'FAIL'}.`,
    );
  }
  if (drain) {
    lines.push(
      '',
      `Drain: ${drain.orders} orders pre-published (one per message, ${drain.publishPerSec.toFixed(0)}/s with confirms), core started:`,
      '',
      `- stored (and searchable: ${drain.searchable} found by full text) at ${drain.storedPerSec.toFixed(0)} orders/s, ${drain.seconds.toFixed(2)} s from the first stored to the last; target >= 20000/s: ${drain.storedPerSec >= 20_000 ? 'PASS' : 'FAIL'}`,
      `- ${drain.batches} batches, ${drain.meanBatch.toFixed(0)} orders each on average, ${drain.meanBatchMs.toFixed(1)} ms each: transaction ${drain.transactionMs.toFixed(1)} ms, cache ${drain.cacheMs.toFixed(1)} ms; time in store / wall: ${drain.storeShare.toFixed(2)}`,
      `- CPU seconds over the drain: core ${drain.cpu.core.toFixed(2)}, postgres ${drain.cpu.postgres.toFixed(2)}, rabbitmq ${drain.cpu.rabbitmq.toFixed(2)}, redis ${drain.cpu.redis.toFixed(2)} (of ${(drain.seconds * cpus().length).toFixed(2)} available; shared services include anything else running)`,
    );
  }
  return lines.join('\n');
}

async function main(): Promise<void> {
  for (const port of Object.values(PORTS)) await assertPortFree(port);
  await recreateStores();
  const logDir = mkdtempSync(join(tmpdir(), 'orders-bench-'));
  const keyFile = join(logDir, 'jwt-private.pem');
  writeFileSync(keyFile, generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString());
  const env: NodeJS.ProcessEnv = {
    PATH: process.env.PATH,
    NODE_ENV: 'production',
    LOG_LEVEL: 'warn',
    DATABASE_URL,
    REDIS_URL,
    RABBITMQ_URL,
    JWT_PRIVATE_KEY_FILE: keyFile,
    RATE_LIMIT_ANON_PER_HOUR: '1000000000',
    RATE_LIMIT_USER_PER_HOUR: '1000000000',
  };
  const children: Child[] = [];
  const startCore = async () => {
    const core = spawnNode('core', join(ROOT, 'dist/apps/core/src/main.js'), { ...env, CORE_PORT: String(PORTS.core), ...coreTuning() }, logDir, profiled('core'));
    children.push(core);
    await waitForReady(core, `http://127.0.0.1:${PORTS.core}/health/ready`);
    return core;
  };
  let core = await startCore();
  try {
    const gateway = spawnNode('gateway', join(ROOT, 'dist/apps/gateway/src/main.js'), { ...env, PORT: String(PORTS.gateway) }, logDir, profiled('gateway'));
    const floor = spawnNode('floor', join(ROOT, 'dist/bench/orders-floor.js'), { ...env, ORDERS_FLOOR_PORT: String(PORTS.floor) }, logDir, profiled('floor'));
    children.push(gateway, floor);
    await Promise.all([waitForReady(gateway, `http://127.0.0.1:${PORTS.gateway}/health/ready`), waitForReady(floor, `http://127.0.0.1:${PORTS.floor}/health/ready`)]);
    const token = await signup(`http://127.0.0.1:${PORTS.gateway}`);

    let runs: Run[] = [];
    if (settings.only !== 'drain') {
      process.stdout.write('POST /orders, interleaved rounds\n');
      runs = await postScenario(
        { floor: { url: `http://127.0.0.1:${PORTS.floor}`, pid: floor.process.pid! }, project: { url: `http://127.0.0.1:${PORTS.gateway}`, pid: gateway.process.pid! } },
        core.process.pid!,
        token,
      );
    }
    let drain: Drain | undefined;
    if (settings.only !== 'post') {
      process.stdout.write(`drain of ${settings.drainN} orders\n`);
      drain = await drainScenario(
        async () => (core = await startCore()),
        () => stop(core),
      );
    }
    process.stdout.write(`\n${report(runs, drain)}\n\nLogs: ${logDir}\n`);
  } catch (error) {
    for (const child of children) process.stderr.write(`--- ${child.name}\n${tail(child.logFile)}\n`);
    throw error;
  } finally {
    for (const child of children.reverse()) await stop(child);
  }
}

main().then(
  () => process.exit(0),
  (error: unknown) => {
    process.stderr.write(`orders benchmark failed: ${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
    process.exit(1);
  },
);

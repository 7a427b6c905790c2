import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { arch, cpus, loadavg, platform, tmpdir, totalmem } from 'node:os';
import { join, relative, resolve } from 'node:path';
import amqplib, { ChannelModel, ConfirmChannel } from 'amqplib';
import Redis from 'ioredis';
import { Client } from 'pg';
import { PRINCIPAL_TTL_SECONDS } from '@app/common';
import { EXCHANGES } from '@app/contracts';
import { assertSameAnswer, load, LoadResult, probe } from './autocannon.util';
import { assertPortFree, logLines, ManagedChild, spawnNode, stopChild, tailLog, waitForReady } from './child-process.util';
import { CONTENT_ITEMS } from './content-scenarios';
import { createContent, createPlans, ensureCached, primePrincipalCache, signUpAndLogIn } from './fixtures.util';
import { assertWritesClean, EventLedger, measureIndexLag, summarizeLag, waitForIndexer } from './index-lag.util';
import { queuePlanEvents, timeDrain } from './indexer-drain.util';
import { pacedLoad } from './paced-load.util';
import { planDocument } from './plan-document.util';
import { cpuSnapshot, cpuSpent, peakRssBytes } from './proc-stats.util';
import { searchSustainedRate } from './rate-search.util';
import {
  compare,
  consoleReport,
  DrainMeasurement,
  LagMeasurement,
  markdownSection,
  MemoryRow,
  prependRun,
  RateSearch,
  Report,
  Round,
  ScenarioRun,
  Section,
  summarizeTarget,
  Target,
} from './results.util';
import type { BenchContent, BenchModule, BenchPlans, BenchUser, Harness, LagScenario, Scenario } from './scenario.types';
import { APP_RSS_LIMIT_BYTES, lagScenarios, RATE_SUSTAINED_SHARE, scenarios } from './scenarios';
import { dashboardModule } from './scenarios/dashboard';
import { eventsModule } from './scenarios/events';
import { measureOrdersDrain, OrdersDrain, ordersDrainRows, ordersDrainSection, ordersModule } from './scenarios/orders';
import { benchSettings, settingsLine } from './settings.util';
import { migrate, recreateDatabase, recreateVhost, writeKeyPair } from './setup.util';
import { lagRow, memoryRows, scenarioRows, summarySection, summaryTally, SummaryRow } from './summary.util';
import { assertSameWrites } from './write-check.util';
import { deployedRuntimeEnv } from './deploy-node-options.util';

const ROOT = resolve(__dirname, '..', '..'); // dist/bench/run.js -> repository root
const DIST = join(ROOT, 'dist');
const RESULTS_FILE = join(ROOT, 'bench', 'RESULTS.md');
const LAST_RUN_FILE = join(ROOT, 'bench', '.last-run.json');
const PROFILES_DIR = join(ROOT, 'bench', 'profiles');

// Like the test harness: own databases, RabbitMQ vhost and Redis database, so a dev stack or an e2e run on this
// machine neither answers our RPCs nor shares our counters. The floor writes to a database of its own. One set for
// every hot path (plans, content, orders, dashboard, events): nothing else of the machine's is flushed or dropped.
const PG_URL = 'postgres://postgres@127.0.0.1:5432';
const DATABASES: Record<Target, string> = { project: 'plans_platform_bench', floor: 'plans_platform_bench_floor' };
const BENCH_VHOST = 'plans_bench';
const REDIS_URL = 'redis://127.0.0.1:6379/7'; // database 7: test slot 7 has 8, slots 0-6 have 9-15
const RABBITMQ_URL = `amqp://guest:guest@127.0.0.1:5672/${BENCH_VHOST}`;
const FLOOR_EXCHANGE = 'bench.floor.events';
const FLOOR_QUEUE = 'bench.floor.events';
const ISSUER = 'plans-platform';
// Off the dev ports (3000-3004) so a running dev stack keeps its ports.
const PORTS = { gateway: 3100, core: 3101, floor: 3102, indexer: 3103, sim: 3104, scheduler: 3105, ordersFloor: 3106, eventsFloor: 3107 };
const FLOORS = ['floor', 'orders-floor', 'events-floor'];
const ADMIN = { email: 'bench-admin@example.com', password: 'bench-admin-password' };
const TIME_ZONE = 'Europe/Madrid';
const RATE_LIMIT = '1000000000'; // counted on every request like in production, never refused
const READY_TIMEOUT_MS = 60_000;
const STOP_GRACE_MS = 15_000; // above the apps' 10 s shutdown grace
const LAG_MAX_IN_FLIGHT = 200;
const CATCH_UP_TIMEOUT_MS = 120_000;
const QUIET_MS = 200; // a write round is over once nothing was written for this long and the outbox is empty
const DRAIN_EVENT_TYPE = 'plan.updated';
const RATE_FACTOR = 1.25;
const RATE_REFINEMENTS = 2;
const RATE_MAX_STEPS = 10;

const settings = benchSettings(process.argv.slice(2), process.env); // --quick: a three-minute look
const { rounds, roundS, warmUpS, durationS, connections, drainEvents, rateStepS } = settings;
const note = process.env.BENCH_NOTE?.trim() || undefined; // recorded with the run, e.g. "shared machine"
const only = list('BENCH_ONLY'); // scenario keys; empty = all
const profiled = list('BENCH_CPU_PROF'); // process names (gateway, core, indexer, floor, orders-floor, events-floor...) to run with --cpu-prof
const appNodeOptions = process.env.BENCH_NODE_OPTIONS?.trim() || undefined; // an experiment with the apps' V8 flags

const urls: Record<Target, string> = { project: `http://127.0.0.1:${PORTS.gateway}`, floor: `http://127.0.0.1:${PORTS.floor}` };
const gatewayUrl = urls.project;
const indexerMetricsUrl = `http://127.0.0.1:${PORTS.indexer}/metrics`;
const children: ManagedChild[] = [];
const databases = {} as Record<Target, Client>;
const queuedEvents: EventLedger = new Map(); // put on the indexer's queue by the harness, not by core
const profileFiles = new Map<string, { file: string; startedAt: number }>(); // app -> its --cpu-prof output
// performance.now() ms, and the requests each target served in between (warm-ups included)
const profileWindows: Array<{ scenario: string; from: number; to: number; requests: Record<Target, number> }> = [];
let stopping: Promise<void> | undefined;

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

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

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
    DATABASE_URL: `${PG_URL}/${DATABASES.project}`,
    REDIS_URL,
    RABBITMQ_URL,
    LOG_LEVEL: 'warn',
    RATE_LIMIT_ANON_PER_HOUR: RATE_LIMIT,
    RATE_LIMIT_USER_PER_HOUR: RATE_LIMIT,
    JWT_KEYS_DIR: keysDir,
    JWT_ISSUER: ISSUER,
    JWT_ACCESS_TTL: '1h', // outlives a long list of scenarios
    ADMIN_EMAIL: ADMIN.email, // core creates the admin the dashboard and the catalog sync need
    ADMIN_PASSWORD: ADMIN.password,
    PROVIDER_TIMEZONE: TIME_ZONE,
    PORT: String(PORTS.gateway),
    CORE_PORT: String(PORTS.core),
    INDEXER_PORT: String(PORTS.indexer),
    RPC_TIMEOUT_MS: '5000',
  });
}

function assertAlive(): void {
  const dead = children.find((child) => child.exitCode !== undefined);
  if (dead) throw new Error(`${dead.name} exited (${dead.exitCode}) during the run. Last log lines:\n${tailLog(dead.logFile)}`);
}

function child(name: string): ManagedChild {
  const found = children.find((candidate) => candidate.name === name);
  if (!found) throw new Error(`${name} is not running`);
  return found;
}

// Stopped on purpose (core, for the orders drain): no longer a child whose exit fails the run.
async function stopAndForget(name: string): Promise<void> {
  const stopped = child(name);
  await stopChild(stopped, STOP_GRACE_MS);
  children.splice(children.indexOf(stopped), 1);
}

// Every process that serves a target: its CPU is the target's cost.
function servingProcesses(scenario: Scenario, target: Target): Array<{ name: string; pid: number }> {
  const names = scenario.processes?.[target] ?? (target === 'floor' ? ['floor'] : ['gateway', 'core', 'indexer']);
  return names.map((name) => ({ name, pid: child(name).process.pid! }));
}

// Every outbox row of the project is published to the indexer's queue, and the indexer counts one lag
// observation per event it applies: that is what "caught up" means.
async function expectedEvents(): Promise<EventLedger> {
  const { rows } = await databases.project.query<{ event_type: string; count: number }>(`SELECT event_type, count(*)::int AS count FROM outbox GROUP BY event_type`);
  const ledger: EventLedger = new Map(rows.map((row) => [row.event_type, row.count]));
  for (const [eventType, count] of queuedEvents) ledger.set(eventType, (ledger.get(eventType) ?? 0) + count);
  return ledger;
}

// Until the target's writes are done: no new version for QUIET_MS (a request cut off at the end of a round may
// still commit), every outbox row published and, for the project, every event applied by the indexer.
async function settle(target: Target): Promise<void> {
  const deadline = Date.now() + CATCH_UP_TIMEOUT_MS;
  let quietSince: string | undefined;
  for (;;) {
    assertAlive();
    const { rows } = await databases[target].query<{ version: string; pending: number }>(
      `SELECT (SELECT last_value FROM plan_version_seq)::text AS version, (SELECT count(*) FROM outbox WHERE published_at IS NULL)::int AS pending`,
    );
    const { version, pending } = rows[0];
    if (pending === 0 && version === quietSince) break;
    quietSince = pending === 0 ? version : undefined;
    if (Date.now() > deadline) throw new Error(`${target}: ${pending} outbox rows still unpublished after ${CATCH_UP_TIMEOUT_MS} ms`);
    await sleep(QUIET_MS);
  }
  if (target === 'project') await waitForIndexer(indexerMetricsUrl, await expectedEvents(), CATCH_UP_TIMEOUT_MS, assertAlive);
}

async function currentEtags(target: Target, ids: string[]): Promise<Map<string, string>> {
  const { rows } = await databases[target].query<{ object_id: string; etag: string }>(`SELECT object_id, etag FROM plans WHERE object_id = ANY($1::text[])`, [ids]);
  return new Map(rows.map((row) => [row.object_id, row.etag]));
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

const DEPLOYED_APPS = new Set(['gateway', 'core', 'indexer', 'scheduler']);

function start(name: string, script: string, env: NodeJS.ProcessEnv, workDir: string): ManagedChild {
  const file = `${name}-${Date.now()}.cpuprofile`;
  const nodeArgs = profiled.includes(name) ? ['--cpu-prof', `--cpu-prof-dir=${PROFILES_DIR}`, `--cpu-prof-name=${file}`] : [];
  if (profiled.includes(name)) profileFiles.set(name, { file: join(PROFILES_DIR, file), startedAt: performance.now() });
  // The apps run with their deployed heap flags and malloc settings (the floors and the simulator are not deployed:
  // Node's defaults).
  const childEnv = DEPLOYED_APPS.has(name) ? { ...env, ...deployedRuntimeEnv(ROOT, name, appNodeOptions) } : env;
  const started = spawnNode(name, script, childEnv, workDir, nodeArgs);
  children.push(started);
  return started;
}

interface Bench {
  user: BenchUser;
  redis: Redis;
  channel: ConfirmChannel;
}

// Open loop at the scenario's rate (latency from each request's due time); every answer must be the expected one.
async function pacedRound(scenario: Scenario, baseUrl: string, round: number, seconds: number, label: string): Promise<LoadResult> {
  const paced = scenario.paced!;
  const result = await pacedLoad({
    url: baseUrl,
    method: scenario.method,
    headers: scenario.headers,
    body: () => '',
    path: (index) => paced.path(index, round),
    ratePerSecond: paced.ratePerSecond,
    durationS: seconds,
    maxInFlight: paced.maxInFlight,
    timeoutMs: 5000,
  });
  const ok = result.statuses[scenario.expectStatus] ?? 0;
  if (ok !== result.sent || result.errors > 0) {
    throw new Error(
      `${label}: ${result.sent - ok} of ${result.sent} answers were not HTTP ${scenario.expectStatus} (${JSON.stringify(result.statuses)}, ${result.errors} errors: ${result.firstError ?? ''})`,
    );
  }
  return { reqPerSec: ok / result.elapsedS, p50Ms: result.latencyP50Ms, p99Ms: result.latencyP99Ms, requests: ok };
}

// One run of one target, with the CPU of its serving processes around it (writes: until settled).
async function runRound(bench: Bench, scenario: Scenario, target: Target, label: string, seconds: number, round: number): Promise<Omit<Round, 'index'>> {
  await primePrincipalCache(gatewayUrl, bench.redis, bench.user);
  await scenario.beforeRound?.(target);
  const processes = servingProcesses(scenario, target);
  const baseUrl = (scenario.urls?.() ?? urls)[target];
  const before = cpuSnapshot(processes);
  const result = scenario.paced
    ? await pacedRound(scenario, baseUrl, round, seconds, label)
    : await load(scenario, target, baseUrl, { connections, durationS: seconds, label });
  if (scenario.settle) await scenario.settle(target);
  else if (scenario.kind === 'write') await settle(target);
  const cpuUs = cpuSpent(before, cpuSnapshot(processes));
  scenario.afterRound?.(target);
  if (scenario.kind === 'write' && !scenario.settle && target === 'floor') await bench.channel.purgeQueue(FLOOR_QUEUE); // nobody consumes it
  assertAlive();
  return { target, ...result, cpuUs };
}

// Warm-up of both, then rounds alternating floor and project, the order flipped every round.
async function runScenario(bench: Bench, scenario: Scenario): Promise<ScenarioRun> {
  const targets: Target[] = scenario.floor ? ['floor', 'project'] : ['project'];
  await scenario.prepare?.();
  if (scenario.kind === 'read') {
    await primePrincipalCache(gatewayUrl, bench.redis, bench.user);
    for (const target of targets) await scenario.beforeRound?.(target); // e.g. the entry the probe reads is cached
    const replies = await Promise.all(targets.map((target) => probe(scenario, target, (scenario.urls?.() ?? urls)[target])));
    if (scenario.floor) assertSameAnswer(scenario, replies[0], replies[1]);
  }
  const conns = scenario.paced ? scenario.paced.maxInFlight : (scenario.connections ?? connections);
  log(`${scenario.name}: ${warmUpS} s warm-up each, then ${rounds} x ${roundS} s rounds per target, ${conns} ${scenario.paced ? 'in flight at most' : 'connections'}`);
  const from = performance.now();
  const served: Record<Target, number> = { floor: 0, project: 0 };
  for (const target of targets) served[target] += (await runRound(bench, scenario, target, `${scenario.name} @ ${target} (warm-up)`, warmUpS, 0)).requests;
  const run: ScenarioRun = { key: scenario.key, scenario: scenario.name, kind: scenario.kind, connections: conns, rounds: [] };
  for (let index = 0; index < rounds; index += 1) {
    for (const target of index % 2 === 0 ? targets : [...targets].reverse()) {
      const round = await runRound(bench, scenario, target, `${scenario.name} @ ${target}, round ${index + 1}`, roundS, index + 1);
      served[target] += round.requests;
      run.rounds.push({ index, ...round });
    }
  }
  profileWindows.push({ scenario: scenario.key, from, to: performance.now(), requests: served });
  const comparison = compare(run);
  const project = summarizeTarget(run, 'project')!;
  log(
    `  project ${project.reqPerSec.toFixed(0)} req/s, p99 ${project.p99Ms.toFixed(2)} ms, ${project.cpuUsPerReq.toFixed(0)} µs CPU/req` +
      (comparison
        ? `; ratio ${comparison.throughput.median.toFixed(2)} (${comparison.throughput.min.toFixed(2)}-${comparison.throughput.max.toFixed(2)}), CPU ratio ${comparison.cpu.median.toFixed(2)}, p99 ratio ${comparison.p99.median.toFixed(2)}`
        : ''),
  );
  return run;
}

function planWrites(bench: Bench, runTag: string, phase: string) {
  return {
    url: `${gatewayUrl}/api/v1/plans`,
    headers: { authorization: `Bearer ${bench.user.accessToken}`, 'content-type': 'application/json' },
    body: (index: number) => planDocument(`${runTag}-${phase}${index}`),
    eventType: 'plan.created',
    expectStatus: 201,
    maxInFlight: LAG_MAX_IN_FLIGHT,
  };
}

async function measureLag(bench: Bench, scenario: LagScenario, ratePerSecond: number, runTag: string): Promise<LagMeasurement> {
  const rate = (seconds: number) => ({ ratePerSecond, durationS: seconds });
  await primePrincipalCache(gatewayUrl, bench.redis, bench.user);
  log(`${scenario.name} (${ratePerSecond}/s): ${warmUpS} s warm-up + ${durationS} s paced writes, up to ${LAG_MAX_IN_FLIGHT} in flight`);
  // The warm-up's events are drained (and left out) before the measured run starts.
  await measureIndexLag(
    `${scenario.name} (warm-up)`,
    indexerMetricsUrl,
    expectedEvents,
    planWrites(bench, runTag, `${scenario.key}-w`),
    rate(warmUpS),
    CATCH_UP_TIMEOUT_MS,
    assertAlive,
  );
  const run = await measureIndexLag(
    scenario.name,
    indexerMetricsUrl,
    expectedEvents,
    planWrites(bench, runTag, `${scenario.key}-m`),
    rate(durationS),
    CATCH_UP_TIMEOUT_MS,
    assertAlive,
  );
  const lag = summarizeLag(run.lag);
  return {
    key: scenario.key,
    scenario: scenario.name,
    targetRate: ratePerSecond,
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

// Paced POSTs at rising rates, each step settled before the next; starts at what closed-loop POSTs reached
// (10 connections: open-loop with up to 200 in flight usually gets further).
async function findSustainedRate(bench: Bench, runTag: string, closedLoopRate: number | undefined): Promise<RateSearch> {
  let step = 0;
  const result = await searchSustainedRate({
    startRate: closedLoopRate ?? 100,
    factor: RATE_FACTOR,
    refinements: RATE_REFINEMENTS,
    maxSteps: RATE_MAX_STEPS,
    sustainedShare: RATE_SUSTAINED_SHARE,
    step: async (rate) => {
      await primePrincipalCache(gatewayUrl, bench.redis, bench.user);
      const loadResult = await pacedLoad({
        ...planWrites(bench, runTag, `rate${++step}-`),
        method: 'POST',
        ratePerSecond: rate,
        durationS: rateStepS,
        timeoutMs: 10_000,
      });
      const succeeded = assertWritesClean(`paced POST at ${rate}/s`, loadResult, 201);
      await settle('project');
      const achievedRate = succeeded / loadResult.elapsedS;
      log(`  ${rate} writes/s asked: ${achievedRate.toFixed(0)} achieved, write p99 ${loadResult.latencyP99Ms.toFixed(0)} ms`);
      return { achievedRate, writeP99Ms: loadResult.latencyP99Ms };
    },
  });
  return { ...result, stepS: rateStepS };
}

// With the indexer not started yet: N plan events on its queue, then start it and time the drain.
async function measureDrain(channel: ConfirmChannel, userId: string, startIndexer: () => ManagedChild): Promise<DrainMeasurement> {
  const document = JSON.parse(planDocument('drain')) as object;
  log(`indexer drain: queueing ${drainEvents} ${DRAIN_EVENT_TYPE} events with the indexer stopped`);
  const queuedAt = performance.now();
  const queued = await queuePlanEvents(channel, EXCHANGES.events, DRAIN_EVENT_TYPE, drainEvents, (index) => ({ objectId: `drain-${index}`, document, actorId: userId }));
  const queueS = (performance.now() - queuedAt) / 1000;
  queuedEvents.set(DRAIN_EVENT_TYPE, (queuedEvents.get(DRAIN_EVENT_TYPE) ?? 0) + drainEvents);
  const indexer = startIndexer();
  const timing = await timeDrain(indexerMetricsUrl, queued, indexer.process.pid!, CATCH_UP_TIMEOUT_MS, assertAlive);
  log(`  ${timing.measuredEvents} events applied in ${timing.seconds.toFixed(1)} s: ${timing.eventsPerSec.toFixed(0)} events/s`);
  return { events: drainEvents, queueS, ...timing };
}

// Every hot path's rows for the one table: the scenarios' rounds, the drains, the lag runs, memory and the
// modules' own measurements.
function summaryOf(
  all: Scenario[],
  runs: ScenarioRun[],
  lagRows: LagMeasurement[],
  memory: MemoryRow[],
  extra: SummaryRow[],
  drain?: DrainMeasurement,
  search?: RateSearch,
): SummaryRow[] {
  const rows = runs.flatMap((run) =>
    scenarioRows(
      run,
      all.find((scenario) => scenario.key === run.key)!,
    ),
  );
  if (drain) {
    rows.push({
      hotPath: `indexer drain (${drain.events} plan events queued)`,
      measure: 'events/s',
      project: drain.eventsPerSec.toFixed(0),
      floor: '',
      ratio: '',
      target: '',
    });
  }
  if (search && search.sustainedRate === undefined) {
    rows.push({
      hotPath: 'sustained write rate',
      measure: 'paced POST plan',
      project: 'none of the rates held',
      floor: '',
      ratio: '',
      target: 'some rate holds',
      met: false,
    });
  }
  for (const row of lagRows) {
    const scenario = lagScenarios.find((candidate) => candidate.key === row.key)!;
    rows.push(lagRow(row, scenario.maxP99S, scenario.ratePerSecond === undefined, RATE_SUSTAINED_SHARE));
  }
  return [...rows, ...extra, ...memoryRows(memory, APP_RSS_LIMIT_BYTES, FLOORS)];
}

async function main(): Promise<void> {
  const startedAt = performance.now();
  // The apps are started with this Node: under an older one (a system Node 20 first on the PATH) core dies at start.
  const major = Number(process.versions.node.split('.')[0]);
  if (major < 24) throw new Error(`the harness needs Node 24 (package.json engines), this is ${process.version}: put the project's Node first on the PATH`);
  if (settings.quick) log('QUICK RUN: fewer and shorter rounds, smaller data sets; a look at a change, not a record (not added to RESULTS.md)');
  if (Math.max(roundS, warmUpS + durationS, rateStepS) > PRINCIPAL_TTL_SECONDS - 20) {
    throw new Error(
      `BENCH_ROUND_S, BENCH_RATE_STEP_S and BENCH_WARMUP_S + BENCH_DURATION_S must stay under ${PRINCIPAL_TTL_SECONDS - 20} s: the cached principal expires after ${PRINCIPAL_TTL_SECONDS} s`,
    );
  }
  if (profiled.length > 0) mkdirSync(PROFILES_DIR, { recursive: true });
  const workDir = mkdtempSync(join(tmpdir(), 'plans-bench-'));
  const redis = new Redis(REDIS_URL, { lazyConnect: true, maxRetriesPerRequest: 1 });
  let amqp: ChannelModel | undefined;
  let ok = false;
  const loadAtStart = loadavg()[0];
  try {
    log(`work dir (keys and logs): ${workDir}`);
    await Promise.all(Object.values(PORTS).map(assertPortFree));
    await redis.connect();
    await redis.flushdb();
    for (const name of Object.values(DATABASES)) await recreateDatabase(PG_URL, name);
    await migrate(`${PG_URL}/${DATABASES.floor}`);
    recreateVhost(BENCH_VHOST);
    const keyFile = writeKeyPair(join(workDir, 'keys'));
    const env = appEnv(join(workDir, 'keys'));
    const floorEnv = definedOnly({
      PATH: process.env.PATH,
      PORT: String(PORTS.floor),
      REDIS_URL,
      DATABASE_URL: `${PG_URL}/${DATABASES.floor}`,
      RABBITMQ_URL,
      FLOOR_EXCHANGE,
      FLOOR_QUEUE,
      JWT_KEY_PEM_FILE: keyFile, // the file the gateway derives its public key from
      JWT_ISSUER: ISSUER,
      RATE_LIMIT_USER_PER_HOUR: RATE_LIMIT,
    });

    const drain = selected('indexer-drain');
    log(`starting core (:${PORTS.core}), gateway (:${PORTS.gateway}), floor (:${PORTS.floor})${drain ? '' : ` and indexer (:${PORTS.indexer})`}`);
    const startIndexer = () => start('indexer', join(DIST, 'apps/indexer/src/main.js'), env, workDir);
    const startCore = () => start('core', join(DIST, 'apps/core/src/main.js'), env, workDir);
    const core = startCore();
    const gateway = start('gateway', join(DIST, 'apps/gateway/src/main.js'), env, workDir);
    const floor = start('floor', join(DIST, 'bench/floor-server.js'), floorEnv, workDir);
    const indexerReady = (indexer: ManagedChild) => waitForReady(indexer, `http://127.0.0.1:${PORTS.indexer}/health/ready`, READY_TIMEOUT_MS);
    await Promise.all([
      waitForReady(core, `http://127.0.0.1:${PORTS.core}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(gateway, `${gatewayUrl}/health/ready`, READY_TIMEOUT_MS),
      waitForReady(floor, `${urls.floor}/health/ready`, READY_TIMEOUT_MS),
      ...(drain ? [] : [indexerReady(startIndexer())]),
    ]);
    for (const target of ['project', 'floor'] as const) {
      databases[target] = new Client({ connectionString: `${PG_URL}/${DATABASES[target]}`, application_name: 'bench-harness' });
      await databases[target].connect();
    }
    amqp = await amqplib.connect(RABBITMQ_URL);
    const channel = await amqp.createConfirmChannel();

    const runTag = randomUUID().slice(0, 8);
    const user = await signUpAndLogIn(gatewayUrl);
    const bench: Bench = { user, redis, channel };
    const harness: Harness = {
      settings,
      gatewayUrl,
      databaseUrl: `${PG_URL}/${DATABASES.project}`,
      redisUrl: REDIS_URL,
      rabbitmqUrl: RABBITMQ_URL,
      timeZone: TIME_ZONE,
      anonLimitPerHour: RATE_LIMIT,
      keyFile,
      appEnv: env,
      admin: ADMIN,
      db: databases.project,
      redis,
      start: async (name, script, childEnv, readyUrl) => {
        const started = start(name, join(DIST, script), childEnv, workDir);
        await waitForReady(started, readyUrl, READY_TIMEOUT_MS);
        return started;
      },
      url: (port) => `http://127.0.0.1:${port}`,
      port: (name) => PORTS[name],
      primePrincipal: (someone) => primePrincipalCache(gatewayUrl, redis, someone),
      user: () => user,
      log,
    };
    let drainResult: DrainMeasurement | undefined;
    if (drain) {
      // core is up, so the indexer's queue and its bindings exist.
      drainResult = await measureDrain(channel, user.id, startIndexer);
      await indexerReady(child('indexer'));
    }
    let ordersDrain: OrdersDrain | undefined;
    if (selected('orders-drain')) {
      ordersDrain = await measureOrdersDrain(harness, async (between) => {
        await stopAndForget('core');
        await between();
        const restarted = startCore();
        return restarted.process.pid!;
      });
      await waitForReady(child('core'), `http://127.0.0.1:${PORTS.core}/health/ready`, READY_TIMEOUT_MS);
    }
    log('core, gateway, indexer and floor are ready');

    await primePrincipalCache(gatewayUrl, redis, user);
    const plans: BenchPlans = await createPlans(urls, user, runTag);
    log(`signed up ${user.id}; its principal and plan ${plans.read.id} are cached (X-Cache: HIT)`);
    // Seeded only for the content scenarios (a few seconds of POSTs, and their events for the indexer).
    let content: BenchContent = { read: { id: '', etag: '' }, items: [] };
    if (only.length === 0 || only.some((key) => key.startsWith('content-'))) {
      content = await createContent(gatewayUrl, user, runTag, CONTENT_ITEMS);
      log(`created ${CONTENT_ITEMS} content items; item ${content.read.id} is cached (X-Cache: HIT)`);
    }

    // The fixtures' events are published and indexed before anything is checked or measured.
    for (const target of ['floor', 'project'] as const) await settle(target);
    const modules: BenchModule[] = [ordersModule(harness), dashboardModule(harness), eventsModule(harness)];
    const all = [
      ...scenarios({ user, plans, content, redis, ensureCached: (path) => ensureCached(gatewayUrl, user, path), runTag, currentEtags }),
      ...modules.flatMap((module) => module.scenarios),
    ];
    const known = [...all.map((scenario) => scenario.key), ...lagScenarios.map((scenario) => scenario.key), 'indexer-drain', 'orders-drain'];
    const unknown = only.filter((key) => !known.includes(key));
    if (unknown.length > 0) throw new Error(`BENCH_ONLY: unknown key(s) ${unknown.join(', ')}; the keys are ${known.join(', ')}`);
    const chosen = all.filter((candidate) => selected(candidate.key));
    // The plan write check (the orders scenario, which settles on its own, checks its answers itself).
    if (chosen.some((scenario) => scenario.kind === 'write' && scenario.floor && !scenario.settle)) {
      await primePrincipalCache(gatewayUrl, redis, user);
      await assertSameWrites({
        urls,
        user,
        runTag,
        redis,
        databases,
        channel,
        exchanges: { floor: FLOOR_EXCHANGE, project: EXCHANGES.events },
        settle: async (target) => {
          await settle(target);
          if (target === 'floor') await channel.purgeQueue(FLOOR_QUEUE);
        },
      });
      log('write check: floor and project answer POST, PUT and PATCH alike and store the same rows, cache entry and message');
    }
    const runs: ScenarioRun[] = [];
    // The modules' scenarios (orders, dashboard, events) after the lag runs, which wait for every outbox row's event.
    const fromModules = new Set(modules.flatMap((module) => module.scenarios));
    for (const scenario of chosen.filter((candidate) => !fromModules.has(candidate))) runs.push(await runScenario(bench, scenario));

    const lagRows: LagMeasurement[] = [];
    let rateSearch: RateSearch | undefined;
    for (const scenario of lagScenarios.filter((candidate) => selected(candidate.key))) {
      let rate = scenario.ratePerSecond;
      if (rate === undefined) {
        const post = runs.find((run) => run.key === 'plan-post');
        log(
          `sustained write rate: paced POST plan steps of ${rateStepS} s, x${RATE_FACTOR} until under ${RATE_SUSTAINED_SHARE * 100} % of the asked rate, then ${RATE_REFINEMENTS} steps in between`,
        );
        rateSearch = await findSustainedRate(bench, runTag, post ? summarizeTarget(post, 'project')?.reqPerSec : undefined);
        rate = rateSearch.sustainedRate;
        if (rate === undefined) continue;
      }
      lagRows.push(await measureLag(bench, scenario, rate, runTag));
    }
    for (const scenario of chosen.filter((candidate) => fromModules.has(candidate))) runs.push(await runScenario(bench, scenario));

    const memory: MemoryRow[] = children.map((managed) => ({ app: managed.name, peakRssBytes: peakRssBytes(managed.process.pid!) }));
    const extraRows: SummaryRow[] = [...(ordersDrain ? ordersDrainRows(ordersDrain) : []), ...modules.flatMap((module) => module.summary())];
    const extraSections: Section[] = [...(ordersDrain ? [ordersDrainSection(ordersDrain)] : []), ...modules.flatMap((module) => module.sections())];
    const summary = summaryOf(all, runs, lagRows, memory, extraRows, drainResult, rateSearch);
    const report: Report = { summary: summarySection(summary), scenarios: runs, lag: lagRows, drain: drainResult, rateSearch, memory, extra: extraSections };
    const totalS = (performance.now() - startedAt) / 1000;
    console.log(`\n${consoleReport(report)}\n`);
    log(`targets: ${summaryTally(summary)}`);
    log(`total time ${(totalS / 60).toFixed(1)} min`);
    const run = {
      date: new Date().toISOString(),
      machine: `${cpus()[0]?.model ?? 'unknown CPU'}, ${cpus().length} cores, ${(totalmem() / 2 ** 30).toFixed(1)} GiB RAM, Node ${process.version}, ${platform()} ${arch()}`,
      commit: gitCommit(),
      settings: `${settingsLine(settings)}; total time ${(totalS / 60).toFixed(1)} min`,
      load: `${loadAtStart.toFixed(1)} at the start, ${loadavg()[0].toFixed(1)} at the end (1-minute load average; ${cpus().length} cores)`,
      note,
    };
    // Raw rounds of the last run, whatever it was; only complete, unprofiled runs are history worth keeping.
    writeFileSync(LAST_RUN_FILE, `${JSON.stringify({ run, only, profiled, ...report }, null, 2)}\n`);
    if (profiled.length > 0 || only.length > 0 || appNodeOptions || settings.quick) {
      log(`--quick, BENCH_ONLY, BENCH_CPU_PROF or BENCH_NODE_OPTIONS: this run is not recorded in ${RESULTS_FILE} (raw numbers in ${LAST_RUN_FILE})`);
    } else {
      prependRun(RESULTS_FILE, markdownSection(run, report));
      log(`results added to ${RESULTS_FILE}`);
    }

    // LOG_LEVEL=warn: whatever the apps printed is a warning or worse, worth a look.
    for (const managed of children) {
      const lines = logLines(managed.logFile);
      log(`${managed.name}: ${lines.length} log line(s) at warn or above${lines.length ? ':' : ''}`);
      for (const line of lines.slice(0, 5)) console.log(`    ${line.slice(0, 400)}`);
    }
    ok = true;
  } finally {
    await amqp?.close().catch(() => undefined);
    for (const database of Object.values(databases)) await database.end().catch(() => undefined);
    await stopChildren();
    redis.disconnect();
    // Logs stay on failure for the post-mortem.
    if (ok) rmSync(workDir, { recursive: true, force: true });
    else log(`logs kept in ${workDir}`);
    // Written by the profiled apps as they exit. The windows leave start-up and setup out.
    for (const [app, { file, startedAt }] of profileFiles) {
      for (const window of profileWindows) {
        const seconds = (at: number) => ((at - startedAt) / 1000).toFixed(1);
        const requests = window.requests[FLOORS.includes(app) ? 'floor' : 'project'];
        log(
          `${app}, ${window.scenario}: node dist/bench/cpu-profile.util.js ${relative(ROOT, file)} --from=${seconds(window.from)} --to=${seconds(window.to)} --requests=${requests}`,
        );
      }
    }
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
  for (const managed of children) if (managed.exitCode === undefined) managed.process.kill('SIGKILL');
});

main().then(
  () => process.exit(0),
  (error: unknown) => {
    console.error(`\n[bench] FAILED: ${error instanceof Error ? error.message : String(error)}`);
    process.exit(1);
  },
);

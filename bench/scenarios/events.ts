import { Client } from 'pg';
import { ManagedChild } from '../child-process.util';
import { call, expectStatus, Reply } from '../http.util';
import { peakRssBytes } from '../proc-stats.util';
import type { Section } from '../results.util';
import type { BenchModule, Harness } from '../scenario.types';
import type { SummaryRow } from '../summary.util';

// The provider catalog (issues 9 and 20), in the one harness:
//   - sync: the scheduler's start-up sync of a generated BENCH_EVENTS_PLANS-plan feed from the simulator, and an
//     unchanged repeat (admin POST /admin/sync) whose row writes are counted (target: none);
//   - events-search: GET /events/search at BENCH_EVENTS_RATE req/s, open loop, through the gateway against the
//     hand-written floor (floor-events.ts, its own process, the catalog in memory) in interleaved rounds; targets
//     p99 <= 1.2x the floor's and CPU per request <= 1.1x.
const EVENTS_PER_ANSWER = 20; // a page-sized answer, whatever the catalog's size
const PATHS = 400;
const MAX_IN_FLIGHT = 50;
const SYNC_MAX_MS = 5000; // issue 9
const TIMEOUT_MS = 120_000;
const STATS_IDLE_FLUSH_MS = 11_000; // Postgres flushes an idle backend's table counters within ~10 s

interface SyncFigures {
  plans: number;
  durationMs: number;
  newPlans: number;
  invalid: number;
  schedulerRssMb: number;
  repeatDurationMs: number;
  repeatUnchanged: number;
  repeatRowVersions: number; // provider_plans tuples written by the repeat (xmin newer than before it)
  repeatTupleWrites: number; // inserts + updates + deletes on provider_plans by pg_stat_user_tables
}

interface RunRow {
  status: string;
  duration_ms: number;
  new: number;
  unchanged: number;
  invalid: number;
  error: string | null;
}

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

async function eventually<T>(what: string, probe: () => Promise<T | undefined>, pollMs = 100): Promise<T> {
  const deadline = Date.now() + TIMEOUT_MS;
  while (Date.now() < deadline) {
    const value = await probe();
    if (value !== undefined) return value;
    await sleep(pollMs);
  }
  throw new Error(`${what} not within ${TIMEOUT_MS} ms`);
}

async function finishedRun(db: Client, after: Date): Promise<RunRow> {
  return eventually('a finished sync run', async () => {
    const { rows } = await db.query<RunRow>(
      `SELECT status, (extract(epoch FROM finished_at - started_at) * 1000)::int AS duration_ms, new, unchanged, invalid, error
         FROM provider_sync_runs WHERE started_at >= $1 AND status IN ('succeeded', 'failed') ORDER BY started_at DESC LIMIT 1`,
      [after],
    );
    return rows[0];
  });
}

async function tupleWrites(db: Client): Promise<number> {
  const { rows } = await db.query<{ n: string }>(`SELECT (n_tup_ins + n_tup_upd + n_tup_del)::text AS n FROM pg_stat_user_tables WHERE relname = 'provider_plans'`);
  return Number(rows[0].n);
}

async function measureSync(harness: Harness, scheduler: ManagedChild, adminToken: string): Promise<SyncFigures> {
  const { db } = harness;
  const first = await finishedRun(db, new Date(0));
  if (first.status !== 'succeeded') throw new Error(`start-up sync failed: ${first.error}`);
  const schedulerRssMb = peakRssBytes(scheduler.process.pid!) / 2 ** 20;
  harness.log(`  start-up sync: ${first.new} new, ${first.invalid} invalid in ${first.duration_ms} ms`);
  // Table statistics are flushed by each backend at most every second while busy: wait until they stop moving.
  let stats = await tupleWrites(db);
  stats = await eventually(
    'settled table statistics',
    async () => {
      await db.query('SELECT pg_stat_clear_snapshot()');
      const now = await tupleWrites(db);
      const settled = now === stats && now >= first.new ? now : undefined;
      stats = now;
      return settled;
    },
    1500,
  );
  const { rows } = await db.query<{ xid: string }>(`SELECT (txid_current() % 4294967296)::text AS xid`);
  const before = new Date();
  expectStatus('POST /admin/sync', await call('POST', `${harness.gatewayUrl}/api/v1/admin/sync`, { authorization: `Bearer ${adminToken}` }), 202);
  const repeat = await finishedRun(db, new Date(before.getTime() - 1000));
  if (repeat.status !== 'succeeded') throw new Error(`repeat sync failed: ${repeat.error}`);
  await sleep(STATS_IDLE_FLUSH_MS); // a counter that never moves cannot be waited for: past the idle flush instead
  await db.query('SELECT pg_stat_clear_snapshot()');
  const written = await db.query<{ n: string }>(`SELECT count(*) AS n FROM provider_plans WHERE xmin::text::bigint > $1::bigint`, [rows[0].xid]);
  return {
    plans: harness.settings.eventsPlans,
    durationMs: first.duration_ms,
    newPlans: first.new,
    invalid: first.invalid,
    schedulerRssMb,
    repeatDurationMs: repeat.duration_ms,
    repeatUnchanged: repeat.unchanged,
    repeatRowVersions: Number(written.rows[0].n),
    repeatTupleWrites: (await tupleWrites(db)) - stats,
  };
}

// A fixed, seeded mix of windows over the catalog's span, sized to hold about EVENTS_PER_ANSWER events: local
// times without offset (read in the provider's zone), UTC with Z, and bare dates (whole local days).
async function rangePaths(db: Client, timeZone: string): Promise<string[]> {
  const { rows } = await db.query<{ first: Date; last: Date; plans: number }>(
    `SELECT min(starts_at) AS first, max(ends_at) AS last, count(*)::int AS plans FROM provider_plans WHERE ever_online`,
  );
  const first = rows[0].first.getTime();
  const span = Math.max(86_400_000, rows[0].last.getTime() - first);
  const windowMs = Math.max(3_600_000, Math.round((span * EVENTS_PER_ANSWER) / Math.max(1, rows[0].plans)));
  let seed = 20261201;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const local = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone }).replace(' ', 'T');
  return Array.from({ length: PATHS }, (_, index) => {
    const from = first + Math.floor(random() * span);
    const to = from + windowMs;
    const [startsAt, endsAt] =
      index % 3 === 0
        ? [local(from), local(to)]
        : index % 3 === 1
          ? [new Date(from).toISOString().slice(0, 19) + 'Z', new Date(to).toISOString().slice(0, 19) + 'Z']
          : [local(from).slice(0, 10), local(to).slice(0, 10)];
    return `/api/v1/events/search?starts_at=${encodeURIComponent(startsAt)}&ends_at=${encodeURIComponent(endsAt)}`;
  });
}

function assertSameBody(path: string, project: Reply, floor: Reply): void {
  expectStatus(`project ${path}`, project, 200);
  const [projectJson, floorJson] = [JSON.stringify(project.body), JSON.stringify(floor.body)];
  if (projectJson === floorJson) return;
  const at = [...projectJson].findIndex((char, index) => char !== floorJson[index]);
  throw new Error(`floor and project disagree on ${path} at ${at}: project …${projectJson.slice(at - 80, at + 120)} floor …${floorJson.slice(at - 80, at + 120)}`);
}

export function eventsModule(harness: Harness): BenchModule {
  const floorUrl = harness.url(harness.port('eventsFloor'));
  let paths: string[] = [];
  let sync: SyncFigures | undefined;
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      const simPort = harness.port('sim');
      const schedulerPort = harness.port('scheduler');
      harness.log(`events: the scheduler syncs a ${harness.settings.eventsPlans}-plan feed from the simulator`);
      await harness.start(
        'provider-sim',
        'apps/provider-sim/src/main.js',
        {
          ...harness.appEnv,
          PROVIDER_SIM_PORT: String(simPort),
          PROVIDER_SIM_FEED: 'generated',
          PROVIDER_SIM_PLANS: String(harness.settings.eventsPlans),
          PROVIDER_SIM_VALIDATORS: 'none', // the unchanged repeat takes the harder path: the whole body fetched and hashed
        },
        `${harness.url(simPort)}/health/ready`,
      );
      const scheduler = await harness.start(
        'scheduler',
        'apps/scheduler/src/main.js',
        { ...harness.appEnv, SCHEDULER_PORT: String(schedulerPort), PROVIDER_URL: `${harness.url(simPort)}/feed`, PROVIDER_SYNC_INTERVAL: '1h' },
        `${harness.url(schedulerPort)}/health/ready`,
      );
      const token = await call('POST', `${harness.gatewayUrl}/api/v1/auth/token`, {}, { username: harness.admin.email, password: harness.admin.password });
      expectStatus('admin token', token, 200);
      sync = await measureSync(harness, scheduler, (token.body as { access_token: string }).access_token);
      // The floor loads the synced catalog once, at start.
      await harness.start(
        'events-floor',
        'bench/floor-events.js',
        {
          PATH: process.env.PATH,
          PORT: String(harness.port('eventsFloor')),
          REDIS_URL: harness.redisUrl,
          DATABASE_URL: harness.databaseUrl,
          PROVIDER_TIMEZONE: harness.timeZone,
          RATE_LIMIT_ANON_PER_HOUR: harness.anonLimitPerHour,
        },
        `${floorUrl}/health/ready`,
      );
      paths = await rangePaths(harness.db, harness.timeZone);
      // Same answers first, every window once, so both serve the rounds warm (the gateway fills its cache).
      for (const path of paths) {
        const [project, floor] = await Promise.all([call('GET', `${harness.gatewayUrl}${path}`), call('GET', `${floorUrl}${path}`)]);
        assertSameBody(path, project, floor);
      }
      harness.log(`  ${paths.length} search windows answered alike by floor and project`);
    })());
  return {
    scenarios: [
      {
        key: 'events-search',
        name: `GET /events/search at ${harness.settings.eventsRate} req/s (open loop)`,
        kind: 'read',
        method: 'GET',
        get path() {
          return paths[0] ?? '/api/v1/events/search';
        },
        headers: {},
        expectStatus: 200,
        floor: true,
        maxP99Ratio: 1.2,
        maxCpuRatio: 1.1,
        prepare,
        urls: () => ({ floor: floorUrl, project: harness.gatewayUrl }),
        processes: { floor: ['events-floor'], project: ['gateway', 'core', 'indexer'] },
        paced: { ratePerSecond: harness.settings.eventsRate, maxInFlight: MAX_IN_FLIGHT, path: (index, round) => paths[(index * 7919 + round) % paths.length] },
      },
    ],
    summary: (): SummaryRow[] =>
      sync
        ? [
            {
              hotPath: `provider sync (${sync.plans} plans)`,
              measure: 'start-up sync s',
              project: (sync.durationMs / 1000).toFixed(2),
              floor: '',
              ratio: '',
              target: `< ${SYNC_MAX_MS / 1000} s (issue 9)`,
              met: sync.durationMs < SYNC_MAX_MS,
            },
            {
              hotPath: `provider sync (${sync.plans} plans)`,
              measure: 'row writes of an unchanged repeat',
              project: `${sync.repeatRowVersions} / ${sync.repeatTupleWrites}`,
              floor: '',
              ratio: '',
              target: '0 (issue 9)',
              met: sync.repeatRowVersions === 0 && sync.repeatTupleWrites === 0,
            },
          ]
        : [],
    sections: (): Section[] =>
      sync
        ? [
            {
              title: 'Provider sync (scheduler from the simulator)',
              columns: [
                'plans',
                'start-up sync s',
                'new',
                'invalid',
                'scheduler peak RSS MB (after it)',
                'repeat s',
                'repeat unchanged',
                'repeat row versions',
                'repeat tuple writes',
              ],
              body: [
                [
                  String(sync.plans),
                  (sync.durationMs / 1000).toFixed(2),
                  String(sync.newPlans),
                  String(sync.invalid),
                  sync.schedulerRssMb.toFixed(0),
                  (sync.repeatDurationMs / 1000).toFixed(2),
                  String(sync.repeatUnchanged),
                  String(sync.repeatRowVersions),
                  String(sync.repeatTupleWrites),
                ],
              ],
              textColumns: 0,
            },
          ]
        : [],
  };
}

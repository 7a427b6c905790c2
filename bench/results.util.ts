import { existsSync, readFileSync, writeFileSync } from 'node:fs';
import { RateStep } from './rate-search.util';
import { median, pairedRatios, Spread, spread, SPREAD_TOLERANCE } from './rounds.util';

export type Target = 'floor' | 'project';

// One measured round of one target: autocannon's figures and the CPU its serving processes spent.
export interface Round {
  index: number; // 0-based; warm-ups are not rounds
  target: Target;
  reqPerSec: number; // responses / elapsed seconds
  p50Ms: number;
  p99Ms: number;
  requests: number;
  cpuUs: Record<string, number>; // per serving process, over the round (and, for writes, until the work it caused was done)
}

export interface ScenarioRun {
  key: string;
  scenario: string;
  kind: 'read' | 'write';
  connections: number;
  rounds: Round[];
}

export interface TargetSummary {
  rounds: number;
  reqPerSec: number; // medians over the rounds
  p50Ms: number;
  p99Ms: number;
  cpuUsPerReq: number;
  cpuUsPerReqByProcess: Record<string, number>;
}

export interface Comparison {
  throughput: Spread; // per-round req/s project/floor
  cpu: Spread; // per-round CPU per request project/floor
  p99: Spread; // per-round p99 project/floor
}

export interface LagMeasurement {
  key: string;
  scenario: string;
  targetRate: number; // writes/s asked for
  achievedRate: number; // successful writes / (first send -> last answer)
  writesOk: number;
  indexed: number; // lag observations in this run's window
  writeP50Ms: number;
  writeP99Ms: number;
  lagP50S: number; // bucket upper bounds
  lagP99S: number;
  underOneS: number; // fraction of events indexed within 1 s
  drainS: number;
}

export interface DrainMeasurement {
  events: number;
  queueS: number; // publishing them with confirms, before the indexer started
  measuredEvents: number; // applied between the first and the last scrape that saw progress
  seconds: number;
  eventsPerSec: number;
  cpuUsPerEvent: number; // the indexer's CPU over the same window
}

export interface RateSearch {
  steps: RateStep[];
  stepS: number;
  sustainedRate?: number;
}

export interface MemoryRow {
  app: string;
  peakRssBytes: number;
}

export interface RunInfo {
  date: string;
  machine: string;
  commit: string;
  settings: string;
  load: string;
  note?: string;
}

// A table of the report: the one summary table first, then the detailed ones.
export interface Section {
  title: string;
  columns: string[];
  body: string[][];
  textColumns: number; // the first n columns are text (left-aligned)
}

export interface Report {
  summary?: Section; // every hot path and its target (summary.util)
  scenarios: ScenarioRun[];
  lag: LagMeasurement[];
  drain?: DrainMeasurement;
  rateSearch?: RateSearch;
  memory: MemoryRow[];
  extra: Section[]; // the scenario modules' own measurements (orders drain, dashboard refresh, catalog sync)
}

const cpuPerRequest = (round: Round, process?: string) =>
  (process === undefined ? Object.values(round.cpuUs).reduce((sum, value) => sum + value, 0) : round.cpuUs[process]) / round.requests;

export function summarizeTarget(run: ScenarioRun, target: Target): TargetSummary | undefined {
  const rounds = run.rounds.filter((round) => round.target === target);
  if (rounds.length === 0) return undefined;
  const processes = Object.keys(rounds[0].cpuUs);
  return {
    rounds: rounds.length,
    reqPerSec: median(rounds.map((round) => round.reqPerSec)),
    p50Ms: median(rounds.map((round) => round.p50Ms)),
    p99Ms: median(rounds.map((round) => round.p99Ms)),
    cpuUsPerReq: median(rounds.map((round) => cpuPerRequest(round))),
    cpuUsPerReqByProcess: Object.fromEntries(processes.map((name) => [name, median(rounds.map((round) => cpuPerRequest(round, name)))])),
  };
}

export function compare(run: ScenarioRun): Comparison | undefined {
  const floor = run.rounds.filter((round) => round.target === 'floor');
  const project = run.rounds.filter((round) => round.target === 'project');
  if (floor.length === 0 || project.length === 0) return undefined;
  return {
    throughput: spread(pairedRatios(floor, project, (round) => round.reqPerSec)),
    cpu: spread(pairedRatios(floor, project, (round) => cpuPerRequest(round))),
    p99: spread(pairedRatios(floor, project, (round) => round.p99Ms)),
  };
}

const COLUMNS = [
  'scenario',
  'target',
  'conns',
  'rounds',
  'req/s',
  'p50 ms',
  'p99 ms',
  'CPU µs/req',
  'CPU µs/req by process',
  'req/s project/floor (min-max)',
  'CPU/req project/floor (min-max)',
];
const DRAIN_COLUMNS = ['events queued', 'queued in s', 'events timed', 'applied in s', 'events/s', 'indexer CPU µs/event'];
const STEP_COLUMNS = ['target writes/s', 'achieved writes/s', 'write p99 ms', 'sustained (>= 90 %)'];
const LAG_COLUMNS = [
  'scenario',
  'target writes/s',
  'achieved writes/s',
  'writes ok',
  'indexed',
  'write p50 ms',
  'write p99 ms',
  'lag p50',
  'lag p99',
  'lag <= 1 s',
  'drain s',
];
const MEMORY_COLUMNS = ['process', 'peak RSS MB'];
// New runs go right below this line, so the newest is always first and older runs are never rewritten.
const RUNS_MARKER = '<!-- runs: newest first; bench/run.js inserts each new run below this line -->';

// Rewritten on every run (from here, not from the file), so the method always describes the harness that wrote
// the newest run. Older runs keep their numbers; their method is in git history.
const HEADER = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); see bench/README.md for the method in full.

**Method.** The project is the gateway, core and indexer as built in \`dist/\`, on a fresh database, RabbitMQ
vhost and Redis database, LOG_LEVEL=warn and rate limits raised to 1e9 so they count but never refuse. The
**floor** (\`bench/floor-server.ts\`, \`bench/floor-plan-writes.ts\`) is one hand-written Fastify process doing the
same work for the same request with no framework, RPC hop, logging or metrics: token check, rate-limit script
and cached principal in one Redis round trip; for writes also the plan schema (ajv), canonical ETag and
decomposition, the conditional write of plan, objects and outbox row in one transaction (\`pg\`, its own
database), the cache write (core's own PlanCacheWriter) and the outbox row published on a confirm channel
(\`amqplib\`, its own exchange and queue) and marked published. Before measuring, the harness checks that the
floor and the project answer alike, and for writes that they store the same rows, cache entry and message.

Every scenario with a floor runs as **interleaved rounds** after a warm-up of both: floor and project
alternate (the order flips every round), and each ratio is taken between the floor and the project of the
same round. Tables give medians over the rounds; ratios give the median and the min-max, and SPREAD marks a
scenario whose round ratios stray more than ±${SPREAD_TOLERANCE * 100}% from their median. **CPU µs/req** is user + system
time from \`/proc/<pid>/stat\` of every process serving the target (floor: the floor; project: gateway + core +
indexer, split in the next column) over the round, and for writes until the outbox was published and the
indexer had applied every event, divided by the responses. Postgres, Redis and RabbitMQ are not counted.
It barely depends on how busy the machine is: the figure to compare between commits.

The **indexer drain** queues N plan events with the indexer stopped, starts it and times how fast it applies
them (from its \`index_lag_seconds\` count). The **sustained rate** is found by pacing POSTs at rising rates
until fewer than 90% of the asked rate is achieved; the index-lag scenario at that rate is where the lag is
judged. Peak RSS is VmHWM of each process at the end of the run.

The **content** scenarios (issue 10) read 401 items created through the gateway: the item (200, and 304 with
If-None-Match) and the first page of 20 from the cache, the floor running the same Lua scripts on the same keys
(\`bench/floor-content.ts\`). The **cache misses** are project only: in each request of a miss round the harness
drops the entry just before asking (an expired item; a page of the current list generation), each connection
cycling over its own entries (20 items; page n in the six orders), and every answer must say X-Cache: MISS.

The **orders** scenario posts orders to the gateway and to its floor (\`bench/orders-floor.ts\`), core storing
both; the **orders drain** queues N orders with core stopped and times how fast core stores them. The
**dashboard** reads the sales view at 1M orders through the gateway (project only). The **events search** paces
GET /events/search at 2k req/s (open loop, latency from each request's due time) against its floor
(\`bench/floor-events.ts\`), after the scheduler synced a 10k-plan feed from the simulator.

**Targets** (issue 20 unless said), shown met / NOT met in the first table of each run: cached reads req/s >= 0.9x
and CPU/req <= 1.2x the floor; plan writes >= 0.65x and CPU/req <= 2.0x; every app's peak RSS < 200 MB; dashboard
p99 < 5 ms at 1 connection and < 10 ms at 10; events search p99 <= 1.2x the floor's and CPU/req <= 1.1x; index lag
p99 within the 1 s bucket at the sustained rate; POST /orders >= 0.8x and the orders drain >= 20000/s (issue 8);
the provider sync < 5 s with no row writes on an unchanged repeat (issue 9). \`npm run bench -- --quick\` runs are
never recorded here.`;

function fixed(value: number, digits = 0): string {
  return Number.isFinite(value) ? value.toFixed(digits) : 'n/a';
}

export function formatSeconds(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (value === Infinity) return '> 10 s';
  return `<= ${value} s`;
}

function ratioCell(value: Spread | undefined): string {
  if (!value) return 'n/a';
  return `${fixed(value.median, 2)} (${fixed(value.min, 2)}-${fixed(value.max, 2)})${value.wide ? ' SPREAD' : ''}`;
}

const SHORT_NAMES: Record<string, string> = { gateway: 'gw', core: 'core', indexer: 'idx', floor: 'floor' };

function scenarioCells(runs: ScenarioRun[]): string[][] {
  return runs.flatMap((run) => {
    const comparison = compare(run);
    return (['floor', 'project'] as const).flatMap((target) => {
      const summary = summarizeTarget(run, target);
      if (!summary) return [];
      const byProcess = Object.entries(summary.cpuUsPerReqByProcess)
        .map(([name, value]) => `${SHORT_NAMES[name] ?? name} ${fixed(value)}`)
        .join(' + ');
      const isProject = target === 'project';
      return [
        [
          run.scenario,
          target,
          String(run.connections),
          String(summary.rounds),
          fixed(summary.reqPerSec),
          fixed(summary.p50Ms, 1),
          fixed(summary.p99Ms, 1),
          fixed(summary.cpuUsPerReq),
          byProcess,
          isProject ? ratioCell(comparison?.throughput) : '',
          isProject ? ratioCell(comparison?.cpu) : '',
        ],
      ];
    });
  });
}

function drainCells(drain: DrainMeasurement): string[][] {
  return [[String(drain.events), fixed(drain.queueS, 1), String(drain.measuredEvents), fixed(drain.seconds, 1), fixed(drain.eventsPerSec), fixed(drain.cpuUsPerEvent)]];
}

function stepCells(search: RateSearch): string[][] {
  return search.steps.map((step) => [String(step.targetRate), fixed(step.achievedRate), fixed(step.writeP99Ms, 1), step.sustained ? 'yes' : 'no']);
}

function lagCells(rows: LagMeasurement[]): string[][] {
  return rows.map((row) => [
    row.scenario,
    String(row.targetRate),
    fixed(row.achievedRate),
    String(row.writesOk),
    String(row.indexed),
    fixed(row.writeP50Ms, 1),
    fixed(row.writeP99Ms, 1),
    formatSeconds(row.lagP50S),
    formatSeconds(row.lagP99S),
    Number.isNaN(row.underOneS) ? 'n/a' : `${(row.underOneS * 100).toFixed(1)} %`,
    fixed(row.drainS, 1),
  ]);
}

function memoryCells(rows: MemoryRow[]): string[][] {
  return rows.map((row) => [row.app, fixed(row.peakRssBytes / 2 ** 20)]);
}

// Text columns (the first `textColumns`) left-aligned, numbers right-aligned.
function textTable(columns: string[], body: string[][], textColumns: number): string {
  const widths = columns.map((column, i) => Math.max(column.length, ...body.map((line) => line[i].length)));
  const format = (line: string[]) =>
    line
      .map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i])))
      .join('  ')
      .trimEnd();
  return [format(columns), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(format)].join('\n');
}

function markdownTable(columns: string[], body: string[][], textColumns: number): string[] {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `| ${columns.join(' | ')} |`,
    `|${columns.map((_, i) => (i < textColumns ? ' --- ' : ' ---: ')).join('|')}|`,
    ...body.map((line) => `| ${line.map(escape).join(' | ')} |`),
  ];
}

function sections(report: Report): Section[] {
  const result: Section[] = report.summary ? [report.summary] : [];
  const withFloor = report.scenarios.filter((run) => run.rounds.some((round) => round.target === 'floor'));
  const projectOnly = report.scenarios.filter((run) => !withFloor.includes(run));
  if (withFloor.length > 0) {
    result.push({ title: 'Interleaved rounds (medians)', columns: COLUMNS, body: scenarioCells(withFloor), textColumns: 2 });
  }
  if (projectOnly.length > 0) {
    const columns = COLUMNS.slice(0, -2);
    const body = scenarioCells(projectOnly).map((line) => line.slice(0, -2));
    result.push({ title: 'Project only, no floor (medians): cache misses and the dashboard', columns, body, textColumns: 2 });
  }
  if (report.drain) result.push({ title: 'Indexer drain', columns: DRAIN_COLUMNS, body: drainCells(report.drain), textColumns: 0 });
  if (report.rateSearch) {
    const sustained = report.rateSearch.sustainedRate;
    result.push({
      title: `Sustained write rate ${sustained === undefined ? 'not found (none of the rates held)' : `${sustained} writes/s`} (paced POST plan, ${report.rateSearch.stepS} s per step)`,
      columns: STEP_COLUMNS,
      body: stepCells(report.rateSearch),
      textColumns: 0,
    });
  }
  if (report.lag.length > 0) result.push({ title: 'Index lag', columns: LAG_COLUMNS, body: lagCells(report.lag), textColumns: 1 });
  if (report.memory.length > 0) result.push({ title: 'Memory', columns: MEMORY_COLUMNS, body: memoryCells(report.memory), textColumns: 1 });
  return [...result, ...report.extra];
}

export function consoleReport(report: Report): string {
  return sections(report)
    .map((section) => `${section.title}\n\n${textTable(section.columns, section.body, section.textColumns)}`)
    .join('\n\n');
}

export function markdownSection(run: RunInfo, report: Report): string {
  const lines = [`## ${run.date}`, '', `- Machine: ${run.machine}`, `- Commit: ${run.commit}`, `- Settings: ${run.settings}`, `- Load: ${run.load}`];
  if (run.note) lines.push(`- Note: ${run.note}`);
  for (const section of sections(report)) lines.push('', `${section.title}:`, '', ...markdownTable(section.columns, section.body, section.textColumns));
  return lines.join('\n');
}

// Keeps every older run below the new one; the header above the marker is replaced with the current HEADER.
export function prependRun(file: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = existing.indexOf(RUNS_MARKER);
  const older = at >= 0 ? existing.slice(at + RUNS_MARKER.length).trim() : existing.trim();
  writeFileSync(file, `${HEADER}\n\n${RUNS_MARKER}\n\n${section}\n${older ? `\n${older}\n` : ''}`);
}

import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export type Target = 'floor' | 'project';

export interface Measurement {
  scenario: string;
  target: Target;
  connections: number;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

export interface LagMeasurement {
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

export interface Verdict {
  scenario: string;
  criterion: string;
  actual: string;
  pass: boolean;
}

export interface RunInfo {
  date: string;
  machine: string;
  commit: string;
  settings: string;
}

const COLUMNS = ['scenario', 'target', 'conns', 'req/s', 'p50 ms', 'p99 ms', 'req/s project/floor', 'p99 project/floor'];
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
// New runs go right below this line, so the newest is always first and older runs are never rewritten.
const RUNS_MARKER = '<!-- runs: newest first; bench/run.js inserts each new run below this line -->';

// Rewritten on every run (from here, not from the file), so the method always describes the harness that wrote
// the newest run. Older runs keep their numbers; their method is in git history.
const HEADER = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); see bench/README.md.

**Method.** The project is the gateway, core and indexer as built in \`dist/\`, on a fresh database, RabbitMQ
vhost and Redis database, LOG_LEVEL=warn and rate limits raised to 1e9 so they count but never refuse. The
**floor** (\`bench/floor-server.ts\`) is a hand-written Fastify server (no Nest) doing the same work for the same
request: what the route costs with no framework, logging, metrics, guards or filters, a lower bound. Read
scenarios run against the floor, then the project, back to back on the same machine.

- **users/me cached read**: verify the RS256 access token with jose (same key, issuer, audience, required
  claims), one Redis pipeline (the gateway's rate-limit Lua script on \`rl:user:<sub>\` plus
  \`GET principal:<sub>\`), the X-RateLimit-*, X-Cache and X-Request-Id headers, the cached user as JSON.
- **GET plan, cache hit (200)**: \`GET /api/v1/plans/{id}\`; the same token check and one pipeline with the
  rate-limit script, \`GET principal:<sub>\` and \`HMGET plan:<id> v e m b d\` (the hash core writes); the
  principal must be present and not deleted; ETag, Last-Modified, Cache-Control: private, no-cache, X-Cache: HIT,
  X-Request-Id and the cached body as is. The floor reuses the gateway's entity-tag helpers and cache layout.
- **GET plan, conditional (304)**: the same with \`If-None-Match: <etag>\` (weak comparison), empty body.
- **PATCH plan** (project only: a floor would have to re-implement core): \`application/merge-patch+json\`
  \`{"planCostShares":{"copay":N}}\` with \`If-Match: *\`, N fresh per request, 10 connections, each connection on
  its own plan (core applies a patch to the version it read and stores it conditionally, so two patches of
  one plan in flight would give 412); warm-up and measured run use different plans.
- **index lag**: POSTs of the example plan (every objectId made unique) at a fixed rate, paced evenly
  (request i due at i/rate, up to 200 in flight, latency counted from the due time), warm-up then measured.
  The indexer's \`index_lag_seconds{event_type="plan.created"}\` histogram (from the event's timestamp, taken
  as core writes the outbox row in the committing transaction, to the event applied) is scraped with the
  indexer idle before and after the measured writes; the difference is this run's distribution. p50/p99
  are bucket upper bounds; "drain" is the time from the last write's answer to the indexer having counted
  every event. The search backend is Postgres (no ELASTICSEARCH_URL), whose index write is a no-op, so the
  lag is the outbox relay, RabbitMQ and the indexer's consumer. The lower rate runs first.

autocannon (read and PATCH scenarios) and the paced writer run in the harness process; each server runs in its
own process. Per target: 2 s warm-up (discarded), then the measured run. The cached principal is refreshed
before each run so every read is a cache hit. A run fails if any response has an unexpected status (only
the 304 scenario expects 304), or on any socket error or timeout.

**Columns.** req/s is the mean of autocannon's per-second samples; p50/p99 are response latencies in ms.
req/s project/floor below 1 means the project serves less than the floor; p99 project/floor above 1 means
its tail is slower. Client, servers, Redis, Postgres and RabbitMQ share the machine, so absolute numbers
only compare within one machine; the ratios are the thing to watch across runs.

**Targets** (issue "Plans API"): both plan GETs at >= 0.8x the floor's req/s; index lag p99 < 1 s at
1000 writes/s (judged at the rate achieved, which is shown).`;

export function ratioCells(rows: Measurement[], row: Measurement): [string, string] {
  if (row.target !== 'project') return ['', ''];
  const floor = rows.find((other) => other.scenario === row.scenario && other.target === 'floor');
  if (!floor) return ['n/a', 'n/a'];
  return [(row.reqPerSec / floor.reqPerSec).toFixed(2), (row.p99Ms / floor.p99Ms).toFixed(2)];
}

export function formatSeconds(value: number): string {
  if (Number.isNaN(value)) return 'n/a';
  if (value === Infinity) return '> 10 s';
  return `<= ${value} s`;
}

function cells(rows: Measurement[]): string[][] {
  return rows.map((row) => [
    row.scenario,
    row.target,
    String(row.connections),
    row.reqPerSec.toFixed(0),
    row.p50Ms.toFixed(1),
    row.p99Ms.toFixed(1),
    ...ratioCells(rows, row),
  ]);
}

function lagCells(rows: LagMeasurement[]): string[][] {
  return rows.map((row) => [
    row.scenario,
    String(row.targetRate),
    row.achievedRate.toFixed(0),
    String(row.writesOk),
    String(row.indexed),
    row.writeP50Ms.toFixed(1),
    row.writeP99Ms.toFixed(1),
    formatSeconds(row.lagP50S),
    formatSeconds(row.lagP99S),
    Number.isNaN(row.underOneS) ? 'n/a' : `${(row.underOneS * 100).toFixed(1)} %`,
    row.drainS.toFixed(1),
  ]);
}

function verdictLine(verdict: Verdict): string {
  return `${verdict.pass ? 'PASS' : 'FAIL'}  ${verdict.scenario}: ${verdict.criterion} (${verdict.actual})`;
}

// Text columns (the first `textColumns`) left-aligned, numbers right-aligned.
function textTable(columns: string[], body: string[][], textColumns: number): string {
  const widths = columns.map((column, i) => Math.max(column.length, ...body.map((line) => line[i].length)));
  const format = (line: string[]) => line.map((cell, i) => (i < textColumns ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
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

export function consoleReport(rows: Measurement[], lagRows: LagMeasurement[], verdicts: Verdict[]): string {
  const parts = [textTable(COLUMNS, cells(rows), 2)];
  if (lagRows.length > 0) parts.push(textTable(LAG_COLUMNS, lagCells(lagRows), 1));
  if (verdicts.length > 0) parts.push(['targets:', ...verdicts.map((verdict) => `  ${verdictLine(verdict)}`)].join('\n'));
  return parts.join('\n\n');
}

export function markdownSection(run: RunInfo, rows: Measurement[], lagRows: LagMeasurement[], verdicts: Verdict[]): string {
  const lines = [`## ${run.date}`, '', `- Machine: ${run.machine}`, `- Commit: ${run.commit}`, `- Settings: ${run.settings}`, ''];
  lines.push(...markdownTable(COLUMNS, cells(rows), 2));
  if (lagRows.length > 0) lines.push('', ...markdownTable(LAG_COLUMNS, lagCells(lagRows), 1));
  if (verdicts.length > 0) lines.push('', 'Targets:', '', ...verdicts.map((verdict) => `- ${verdictLine(verdict)}`));
  return lines.join('\n');
}

// Keeps every older run below the new one; the header above the marker is replaced with the current HEADER.
export function prependRun(file: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = existing.indexOf(RUNS_MARKER);
  const older = at >= 0 ? existing.slice(at + RUNS_MARKER.length).trim() : existing.trim();
  writeFileSync(file, `${HEADER}\n\n${RUNS_MARKER}\n\n${section}\n${older ? `\n${older}\n` : ''}`);
}

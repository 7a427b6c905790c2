import { existsSync, readFileSync, writeFileSync } from 'node:fs';

export type Target = 'floor' | 'project';

export interface Measurement {
  scenario: string;
  target: Target;
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

export interface RunInfo {
  date: string;
  machine: string;
  commit: string;
  settings: string;
}

const COLUMNS = ['scenario', 'target', 'req/s', 'p50 ms', 'p99 ms', 'req/s project/floor', 'p99 project/floor'];
// New runs go right below this line, so the newest is always first and older runs are never rewritten.
const RUNS_MARKER = '<!-- runs: newest first; bench/run.js inserts each new run below this line -->';

const HEADER = `# Benchmark results

Written by \`npm run bench\` (bench/run.ts); see bench/README.md.

**Method.** Each scenario is measured against two targets, back to back in the same run on the same machine:

- **project**: the gateway as built in \`dist/\`, with core behind it, on a fresh database, RabbitMQ vhost and
  Redis database, LOG_LEVEL=warn and rate limits raised to 1e9 so they count but never refuse.
- **floor**: \`bench/floor-server.ts\`, a hand-written Fastify server (no Nest) doing the same work for the
  same request. For \`GET /api/v1/users/me\` that is: verify the RS256 access token with jose (same key,
  issuer, audience, required claims), one Redis pipeline (the rate-limit Lua script on \`rl:user:<sub>\` plus
  \`GET principal:<sub>\`), the X-RateLimit-*, X-Cache and X-Request-Id headers, and the cached user as JSON.
  It is what the route costs with no framework, logging, metrics, guards or filters: a lower bound.

autocannon runs in the harness process; each server runs in its own process. Per target: 2 s warm-up
(discarded), then the measured run with the connection count shown. The cached principal is refreshed
before each run so every request is a cache hit. A run fails if any response has an unexpected status,
or on any socket error or timeout.

**Columns.** req/s is the mean of autocannon's per-second samples; p50/p99 are response latencies in ms.
req/s project/floor below 1 means the project serves less than the floor; p99 project/floor above 1 means
its tail is slower. Client, servers, Redis, Postgres and RabbitMQ share the machine, so absolute numbers
only compare within one machine; the ratios are the thing to watch across runs.`;

export function ratioCells(rows: Measurement[], row: Measurement): [string, string] {
  if (row.target !== 'project') return ['', ''];
  const floor = rows.find((other) => other.scenario === row.scenario && other.target === 'floor');
  if (!floor) return ['n/a', 'n/a'];
  return [(row.reqPerSec / floor.reqPerSec).toFixed(2), (row.p99Ms / floor.p99Ms).toFixed(2)];
}

function cells(rows: Measurement[]): string[][] {
  return rows.map((row) => [
    row.scenario,
    row.target,
    row.reqPerSec.toFixed(0),
    row.p50Ms.toFixed(1),
    row.p99Ms.toFixed(1),
    ...ratioCells(rows, row),
  ]);
}

export function consoleTable(rows: Measurement[]): string {
  const body = cells(rows);
  const widths = COLUMNS.map((column, i) => Math.max(column.length, ...body.map((line) => line[i].length)));
  const format = (line: string[]) => line.map((cell, i) => (i < 2 ? cell.padEnd(widths[i]) : cell.padStart(widths[i]))).join('  ');
  return [format(COLUMNS), widths.map((width) => '-'.repeat(width)).join('  '), ...body.map(format)].join('\n');
}

export function markdownSection(run: RunInfo, rows: Measurement[]): string {
  const escape = (cell: string) => cell.replace(/\|/g, '\\|');
  return [
    `## ${run.date}`,
    '',
    `- Machine: ${run.machine}`,
    `- Commit: ${run.commit}`,
    `- Settings: ${run.settings}`,
    '',
    `| ${COLUMNS.join(' | ')} |`,
    `|${COLUMNS.map((_, i) => (i < 2 ? ' --- ' : ' ---: ')).join('|')}|`,
    ...cells(rows).map((line) => `| ${line.map(escape).join(' | ')} |`),
  ].join('\n');
}

// Keeps whatever header the file has (it may have been edited by hand) and every older run below the new one.
export function prependRun(file: string, section: string): void {
  const existing = existsSync(file) ? readFileSync(file, 'utf8') : '';
  const at = existing.indexOf(RUNS_MARKER);
  const header = at >= 0 ? existing.slice(0, at).trimEnd() : HEADER;
  const older = at >= 0 ? existing.slice(at + RUNS_MARKER.length).trim() : existing.trim();
  writeFileSync(file, `${header}\n\n${RUNS_MARKER}\n\n${section}\n${older ? `\n${older}\n` : ''}`);
}

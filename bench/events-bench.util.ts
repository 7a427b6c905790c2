import { writeFileSync, readFileSync, existsSync } from 'node:fs';
import { Client } from 'pg';
import { PacedLoadResult } from './paced-load.util';
import { CpuSnapshot } from './proc-stats.util';

export interface SyncFigures {
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

export interface EventsRound {
  target: 'project' | 'floor';
  index: number;
  result: PacedLoadResult;
  cpuMicros: CpuSnapshot;
  okRequests: number;
}

// The simulator serving a generated feed of `plans` plans, the same bytes on every request and no validators:
// the unchanged repeat takes the harder path (the whole body fetched and hashed) rather than a 304.
export function simEnv(port: number, plans: number): Record<string, string> {
  return { PROVIDER_SIM_PORT: String(port), PROVIDER_SIM_FEED: 'generated', PROVIDER_SIM_PLANS: String(plans), PROVIDER_SIM_VALIDATORS: 'none' };
}

export function eventsFloorEnv(port: number): Record<string, string> {
  return { PORT: String(port) };
}

// A fixed, seeded mix of windows over the catalog's span, sized to hold about EVENTS_PER_ANSWER events on average
// (a page-sized answer, whatever the catalog's size): local times without offset (read in the provider's zone),
// UTC with Z, and bare dates (whole local days), so the parse and the cache's day buckets are exercised.
const EVENTS_PER_ANSWER = 20;

export async function rangePaths(db: Client, timeZone: string, count = 400): Promise<string[]> {
  const { rows } = await db.query<{ first: Date; last: Date; plans: number }>(
    `SELECT min(starts_at) AS first, max(ends_at) AS last, count(*)::int AS plans FROM provider_plans WHERE ever_online`,
  );
  const first = rows[0].first.getTime();
  const span = Math.max(86_400_000, rows[0].last.getTime() - first);
  const windowMs = Math.max(3_600_000, Math.round((span * EVENTS_PER_ANSWER) / Math.max(1, rows[0].plans)));
  let seed = 20261201;
  const random = () => (seed = (seed * 1103515245 + 12345) % 2 ** 31) / 2 ** 31;
  const local = (ms: number) => new Date(ms).toLocaleString('sv-SE', { timeZone }).replace(' ', 'T');
  return Array.from({ length: count }, (_, index) => {
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

interface ReportInput {
  commit: string;
  machine: string;
  rate: number;
  roundS: number;
  sync: SyncFigures;
  rounds: EventsRound[];
  rss: Record<string, number>;
  median: (values: number[]) => number;
  file: string;
}

const cpuPerRequest = (round: EventsRound) => Object.values(round.cpuMicros).reduce((a, b) => a + b, 0) / Math.max(1, round.okRequests);

export function eventsReport(input: ReportInput): void {
  const { rounds, median, sync } = input;
  const of = (target: 'project' | 'floor') => rounds.filter((round) => round.target === target);
  const pair = (value: (round: EventsRound) => number) => {
    const project = of('project');
    const floor = of('floor');
    return project.map((round, index) => value(round) / value(floor[index]));
  };
  const range = (values: number[]) => `${median(values).toFixed(2)} (${Math.min(...values).toFixed(2)}-${Math.max(...values).toFixed(2)})`;
  const p99 = (target: 'project' | 'floor') => of(target).map((round) => round.result.latencyP99Ms);
  const p50 = (target: 'project' | 'floor') => of(target).map((round) => round.result.latencyP50Ms);
  const cpu = (target: 'project' | 'floor') => of(target).map(cpuPerRequest);
  const achieved = (target: 'project' | 'floor') => of(target).map((round) => round.okRequests / input.roundS);
  const failures = rounds.reduce((sum, round) => sum + round.result.errors + (round.result.sent - round.okRequests), 0);
  const verdictP99 = median(p99('project')) < 10 ? 'met' : 'NOT met';
  const verdictSync = sync.durationMs < 5000 ? 'met' : 'NOT met';
  const verdictRepeat = sync.repeatRowVersions === 0 && sync.repeatTupleWrites === 0 ? 'met' : 'NOT met';
  const section = [
    `### ${new Date().toISOString().slice(0, 16)}Z, commit ${input.commit}: provider catalog (npm run bench:events)`,
    '',
    `Machine: ${input.machine}. ${rounds.length / 2} interleaved rounds of ${input.roundS} s per target at ${input.rate} req/s (open loop), ${sync.plans} plans.`,
    '',
    '| measure | project (gateway+core) | floor | ratio, median (min-max) |',
    '|---|---:|---:|---|',
    `| /events/search p99 ms | ${range(p99('project'))} | ${range(p99('floor'))} | ${range(pair((r) => r.result.latencyP99Ms))} |`,
    `| /events/search p50 ms | ${range(p50('project'))} | ${range(p50('floor'))} | ${range(pair((r) => r.result.latencyP50Ms))} |`,
    `| achieved req/s | ${median(achieved('project')).toFixed(0)} | ${median(achieved('floor')).toFixed(0)} | |`,
    `| CPU µs/req | ${range(cpu('project'))} | ${range(cpu('floor'))} | ${range(pair(cpuPerRequest))} |`,
    `| peak RSS MB | gateway ${input.rss.gateway.toFixed(0)}, core ${input.rss.core.toFixed(0)} | ${input.rss.floor.toFixed(0)} | |`,
    '',
    `- Target p99 < 10 ms at ${input.rate} req/s: **${verdictP99}** (failed or non-200 requests: ${failures}).`,
    `- Sync of ${sync.plans} plans: **${(sync.durationMs / 1000).toFixed(2)} s** (${sync.newPlans} new, ${sync.invalid} invalid), target < 5 s **${verdictSync}**; scheduler peak RSS **${sync.schedulerRssMb.toFixed(0)} MB**.`,
    `- Unchanged repeat: ${(sync.repeatDurationMs / 1000).toFixed(2)} s, ${sync.repeatUnchanged} unchanged, **${sync.repeatRowVersions} row versions / ${sync.repeatTupleWrites} tuple writes** on provider_plans, target zero **${verdictRepeat}**.`,
    '',
  ].join('\n');
  console.log(section);
  const existing = existsSync(input.file) ? readFileSync(input.file, 'utf8') : '';
  const marker = '## Provider catalog runs';
  const at = existing.indexOf(marker);
  const next =
    at >= 0 ? `${existing.slice(0, at + marker.length)}\n\n${section}${existing.slice(at + marker.length)}` : `${existing.trimEnd()}\n\n${marker}\n\n${section}`;
  writeFileSync(input.file, next);
}

// The README's "## Metrics" table and the Prometheus text format, read the same way by the e2e test that ties
// the table to every app's live /metrics and by the dashboard test that checks every panel's metric names.
import { readFileSync } from 'node:fs';
import { join } from 'node:path';

export const APP_NAMES = ['gateway', 'core', 'indexer', 'scheduler', 'provider-sim'] as const;
export type MetricsApp = (typeof APP_NAMES)[number];

export interface MetricRow {
  name: string;
  type: string;
  apps: string[];
}

export interface MetricFamily {
  name: string;
  type: string;
}

const README = join(__dirname, '../../../README.md');

// Rows of the table under "## Metrics": | `name` | type | apps (comma-separated, or "every app") | labels | meaning |
export function readmeMetricRows(markdown = readFileSync(README, 'utf8')): MetricRow[] {
  const start = markdown.indexOf('\n## Metrics\n');
  if (start === -1) throw new Error('README has no "## Metrics" section');
  // Up to the next heading (the RabbitMQ subsection lists the broker's metrics, not the apps').
  const end = markdown.slice(start + 1).search(/\n#{2,3} /);
  const section = markdown.slice(start, end === -1 ? undefined : start + 1 + end);
  return section
    .split('\n')
    .filter((line) => /^\| `[a-zA-Z_:][a-zA-Z0-9_:]*` \|/.test(line))
    .map((line) => {
      const [name, type, apps] = line
        .split('|')
        .slice(1, 4)
        .map((cell) => cell.trim());
      return {
        name: name.replace(/`/g, ''),
        type,
        apps: apps === 'every app' ? [...APP_NAMES] : apps.split(',').map((app) => app.replace(/`/g, '').trim()),
      };
    });
}

// Every metric family an exposition declares (`# TYPE` lines), whether or not it has samples yet.
export function exposedFamilies(text: string): MetricFamily[] {
  return [...text.matchAll(/^# TYPE ([a-zA-Z_:][a-zA-Z0-9_:]*) (\w+)$/gm)].map(([, name, type]) => ({ name, type }));
}

// The family a series name belongs to: histogram and summary series carry a suffix.
export function familyOf(series: string, families: Map<string, string>): string | undefined {
  if (families.has(series)) return series;
  const match = /^(.*)_(bucket|sum|count)$/.exec(series);
  if (match && ['histogram', 'summary'].includes(families.get(match[1]) ?? '')) return match[1];
  return undefined;
}

// What rabbitmq_prometheus's /metrics/detailed?family=queue_coarse_metrics&family=queue_consumer_count serves (per
// vhost and queue), which the rules and the dashboard may use; the Prometheus e2e test checks it against the broker.
export const RABBITMQ_METRICS = [
  'rabbitmq_detailed_queue_messages_ready',
  'rabbitmq_detailed_queue_messages_unacked',
  'rabbitmq_detailed_queue_messages',
  'rabbitmq_detailed_queue_consumers',
] as const;

// Series Prometheus makes itself for every target.
export const PROMETHEUS_SYNTHETIC_METRICS = ['up'] as const;

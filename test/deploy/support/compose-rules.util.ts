import { parse } from 'yaml';
import { AppFacts, appOfCommand, Env, healthPaths, isRuntimeVariable, maxOldSpaceMiB, semiSpaceProblem } from './app-facts.util';

export interface Compose {
  services: Record<string, any>;
  [key: string]: unknown;
}

export function parseCompose(text: string): Compose {
  return parse(text, { merge: true, maxAliasCount: -1 }) as Compose;
}

// `${NAME}`, `${NAME:-default}`, `${NAME-default}`, `${NAME:?message}`, `${NAME?message}` (Compose interpolation).
const INTERPOLATION = /\$\{([A-Za-z_][A-Za-z0-9_]*)(?:(:?[-?])([^}]*))?\}/g;

export function interpolations(text: string): Array<{ name: string; required: boolean }> {
  return [...text.matchAll(INTERPOLATION)].map((match) => ({ name: match[1], required: (match[2] ?? '').endsWith('?') }));
}

// The value Compose would use with `host` as the shell's environment (the defaults where it lacks a variable).
export function interpolate(value: string, host: Env): string {
  return value.replace(INTERPOLATION, (_all, name: string, operator: string | undefined, rest: string | undefined) => {
    if (host[name] !== undefined) return host[name];
    if (operator?.endsWith('-')) return rest ?? '';
    if (operator?.endsWith('?')) throw new Error(`${name} is required: ${rest ?? ''}`);
    return '';
  });
}

export interface ComposeApp {
  service: string;
  app: AppFacts;
  env: Env;
  // Variables set, even without a value (`NAME:` passes the host's value through).
  set: Set<string>;
}

function environmentOf(service: any): Array<[string, string | null]> {
  const environment = service.environment ?? {};
  if (Array.isArray(environment)) {
    return environment.map((entry: string) => {
      const at = entry.indexOf('=');
      return at < 0 ? [entry, null] : [entry.slice(0, at), entry.slice(at + 1)];
    });
  }
  return Object.entries(environment).map(([key, value]) => [key, value === null || value === undefined ? null : String(value as string | number | boolean)]);
}

export function composeApps(compose: Compose, host: Env): ComposeApp[] {
  return Object.entries(compose.services).flatMap(([service, definition]) => {
    const command = typeof definition.command === 'string' ? definition.command.split(/\s+/) : definition.command;
    const app = appOfCommand(command);
    if (!app) return [];
    const env: Env = {};
    const set = new Set<string>();
    for (const [key, value] of environmentOf(definition)) {
      set.add(key);
      if (value !== null) env[key] = interpolate(value, host);
    }
    return [{ service, app, env, set }];
  });
}

export type ComposeRule = (compose: Compose, host: Env) => string[];

const loaded = (app: ComposeApp) => {
  try {
    return app.app.load(app.env);
  } catch {
    return undefined;
  }
};

const healthTest = (service: any): string => {
  const test = service.healthcheck?.test;
  return Array.isArray(test) ? test.join(' ') : String(test ?? '');
};

const dependsOn = (service: any): Record<string, { condition?: string }> =>
  Array.isArray(service.depends_on) ? Object.fromEntries(service.depends_on.map((name: string) => [name, {}])) : (service.depends_on ?? {});

// Every variable set for an app is one its config schema reads (or a runtime one), its reader accepts the
// environment, every URL its code connects to is set, to a compose service it waits for (healthy).
export const composeEnvRule: ComposeRule = (compose, host) =>
  composeApps(compose, host).flatMap((entry) => {
    const { service, app, env, set } = entry;
    const problems: string[] = [];
    for (const name of set) if (!app.variables.has(name) && !isRuntimeVariable(name)) problems.push(`${service}: ${name} is not read by ${app.name}'s config schema`);
    try {
      app.load(env);
    } catch (error) {
      problems.push(`${service}: ${app.name}'s config rejects the environment: ${error instanceof Error ? error.message : String(error)}`);
    }
    for (const key of app.connects) {
      if (!env[key]) {
        problems.push(`${service}: ${key} is not set, so ${app.name} would connect to its loopback default`);
        continue;
      }
      const target = new URL(env[key]).hostname;
      if (!compose.services[target]) problems.push(`${service}: ${key} points at ${target}, no compose service`);
      else if (dependsOn(compose.services[service])[target]?.condition !== 'service_healthy')
        problems.push(`${service}: does not wait for ${target} (${key}) to be healthy`);
    }
    return problems;
  });

// Every service has a health check and waits only on healthy services; each app's check asks /health/ready on
// the port its config listens on, and that port is exposed or published.
export const composeHealthRule: ComposeRule = (compose, host) => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    const test = service.healthcheck?.test;
    if (!test || service.healthcheck?.disable || (Array.isArray(test) && test[0] === 'NONE')) problems.push(`${name}: no health check`);
    for (const [dependency, { condition }] of Object.entries(dependsOn(service))) {
      if (condition !== 'service_healthy') problems.push(`${name}: depends on ${dependency} without condition service_healthy`);
      if (!compose.services[dependency]) problems.push(`${name}: depends on ${dependency}, no such service`);
    }
  }
  const { ready } = healthPaths();
  for (const entry of composeApps(compose, host)) {
    const config = loaded(entry);
    if (!config) continue; // reported by the env rule
    const port = config[entry.app.portKey] as number;
    const definition = compose.services[entry.service];
    if (!healthTest(definition).includes(`http://127.0.0.1:${port}${ready}`)) problems.push(`${entry.service}: health check does not ask ${ready} on ${port}`);
    const ports = [...(definition.expose ?? []), ...(definition.ports ?? [])].map((port: unknown) => String(port as string));
    if (!ports.some((entry) => entry === String(port) || entry.endsWith(`:${port}`))) problems.push(`${entry.service}: port ${port} neither exposed nor published`);
  }
  return problems;
};

function megabytes(value: unknown): number | undefined {
  const match = /^(\d+)([kmg])?b?$/i.exec(String(value));
  if (!match) return undefined;
  const unit = (match[2] ?? '').toLowerCase();
  return Number(match[1]) * ({ '': 1 / 1024 / 1024, k: 1 / 1024, m: 1, g: 1024 } as Record<string, number>)[unit];
}

// Every app has a mem_limit and NODE_OPTIONS sets --max-old-space-size at 60-80 % of it and bounds the young generation; Elasticsearch's heap is
// fixed (Xms = Xmx) at most 75 % of its mem_limit, with memory locked (memlock unlimited).
export const composeMemoryRule: ComposeRule = (compose, host) => {
  const problems = composeApps(compose, host).flatMap(({ service, env }) => {
    const limit = megabytes(compose.services[service].mem_limit);
    const heap = maxOldSpaceMiB(env.NODE_OPTIONS);
    if (limit === undefined) return [`${service}: no mem_limit`];
    const young = semiSpaceProblem(env.NODE_OPTIONS);
    const problems = young ? [`${service}: ${young}`] : [];
    if (heap === undefined) return [`${service}: NODE_OPTIONS sets no --max-old-space-size`, ...problems];
    const share = heap / limit;
    if (share < 0.6 || share > 0.8) problems.unshift(`${service}: heap ${heap} MiB is ${Math.round(share * 100)} % of mem_limit ${limit} MiB`);
    return problems;
  });
  const elastic = compose.services.elasticsearch;
  if (!elastic) return [...problems, 'no elasticsearch service'];
  const javaOpts = String(elastic.environment?.ES_JAVA_OPTS ?? '');
  const xms = megabytes(/-Xms(\S+)/.exec(javaOpts)?.[1]);
  const xmx = megabytes(/-Xmx(\S+)/.exec(javaOpts)?.[1]);
  const limit = megabytes(elastic.mem_limit);
  if (xmx === undefined || xms !== xmx) problems.push(`elasticsearch: ES_JAVA_OPTS "${javaOpts}" does not fix the heap (-Xms = -Xmx)`);
  if (limit === undefined) problems.push('elasticsearch: no mem_limit');
  else if (xmx !== undefined && xmx > limit * 0.75) problems.push(`elasticsearch: heap ${xmx} MiB above 75 % of mem_limit ${limit} MiB`);
  const memlock = elastic.ulimits?.memlock;
  if (!(memlock === -1 || (memlock?.soft === -1 && memlock?.hard === -1))) problems.push('elasticsearch: memlock ulimit not unlimited');
  if (elastic.environment?.['discovery.type'] !== 'single-node') problems.push('elasticsearch: not single-node');
  if (!/wait_for_status=yellow/.test(healthTest(elastic))) problems.push('elasticsearch: health check does not wait for yellow');
  return problems;
};

// Nothing but the gateway is published beyond 127.0.0.1; RabbitMQ's management UI is published there.
export const composeExposureRule: ComposeRule = (compose) => {
  const problems: string[] = [];
  for (const [name, service] of Object.entries(compose.services)) {
    for (const port of service.ports ?? []) {
      const text = typeof port === 'string' ? port : `${port.host_ip ?? ''}:${port.published}:${port.target}`;
      if (name !== 'gateway' && !text.startsWith('127.0.0.1:')) problems.push(`${name}: ${text} is published beyond 127.0.0.1`);
    }
  }
  if (!(compose.services.rabbitmq?.ports ?? []).includes('127.0.0.1:15672:15672')) problems.push('rabbitmq: management UI (15672) not published on 127.0.0.1');
  return problems;
};

// Traces: every app exports OTLP to a compose service that exposes the port, under its own service name.
export const composeTracingRule: ComposeRule = (compose, host) =>
  composeApps(compose, host).flatMap(({ service, app, env }) => {
    const problems: string[] = [];
    if (env.OTEL_SERVICE_NAME !== app.name) problems.push(`${service}: OTEL_SERVICE_NAME is ${env.OTEL_SERVICE_NAME ?? 'unset'}, want ${app.name}`);
    if (!env.OTEL_EXPORTER_OTLP_ENDPOINT) return [...problems, `${service}: OTEL_EXPORTER_OTLP_ENDPOINT unset`];
    const url = new URL(env.OTEL_EXPORTER_OTLP_ENDPOINT);
    const collector = compose.services[url.hostname];
    if (!collector) problems.push(`${service}: OTLP endpoint ${url.hostname} is no compose service`);
    else if (!(collector.expose ?? []).map(String).includes(url.port)) problems.push(`${service}: ${url.hostname} does not expose ${url.port}`);
    return problems;
  });

export const COMPOSE_RULES: Record<string, ComposeRule> = {
  env: composeEnvRule,
  health: composeHealthRule,
  memory: composeMemoryRule,
  exposure: composeExposureRule,
  tracing: composeTracingRule,
};

import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import 'reflect-metadata';
import { PATH_METADATA } from '@nestjs/common/constants';
import { ZodEffects, ZodObject, ZodRawShape, ZodTypeAny } from 'zod';
import { HealthController } from '@app/common';
import { QUEUES } from '@app/contracts';
import { coreEnvSchema, loadCoreConfig } from '../../../apps/core/src/config/core.config';
import { gatewayEnvSchema, loadGatewayConfig } from '../../../apps/gateway/src/config/gateway.config';
import { indexerEnvSchema, loadIndexerConfig } from '../../../apps/indexer/src/config/indexer.config';
import { loadProviderSimConfig, providerSimEnvFields } from '../../../apps/provider-sim/src/config/provider-sim.config';
import { loadSchedulerConfig, schedulerEnvSchema } from '../../../apps/scheduler/src/config/scheduler.config';
import { REPO } from './manifests.util';

export type AppName = 'gateway' | 'core' | 'indexer' | 'scheduler' | 'provider-sim';
export type Env = Record<string, string>;

export interface AppFacts {
  name: AppName;
  // Every variable the app's config schema reads.
  variables: Set<string>;
  // The app's own config reader: throws ConfigValidationError naming every bad or missing variable.
  load: (env: Env) => Record<string, unknown>;
  // The config key of the port serving health and metrics.
  portKey: string;
  // What bootstrapService gets as shutdownGraceMs (provider-sim fixes 5000 in its main.ts).
  shutdownGraceMs: (config: Record<string, unknown>) => number;
  // The *_URL settings the app's code connects to (read from its source, see connectedUrlKeys).
  connects: string[];
  // The work queue an autoscaler may scale it on.
  workQueue?: string;
}

// Read outside the config schemas: the OpenTelemetry SDK's variables and Node's own options.
export function isRuntimeVariable(name: string): boolean {
  return name === 'NODE_OPTIONS' || name.startsWith('OTEL_');
}

function shapeOf(schema: ZodTypeAny): ZodRawShape {
  if (schema instanceof ZodEffects) return shapeOf(schema.innerType() as ZodTypeAny);
  if (schema instanceof ZodObject) return schema.shape as ZodRawShape;
  throw new Error('config schema is neither an object nor a refined object');
}

function sourceFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') && !entry.name.endsWith('.spec.ts') ? [path] : [];
  });
}

// `config.X_URL` read anywhere in the app's code (the config file itself aside): what it really connects to.
export function connectedUrlKeys(app: AppName): string[] {
  const keys = new Set<string>();
  for (const file of sourceFiles(join(REPO, 'apps', app, 'src'))) {
    if (file.includes(`${join('src', 'config')}`)) continue;
    for (const match of readFileSync(file, 'utf8').matchAll(/\bconfig\.([A-Z][A-Z0-9_]*_URL)\b/g)) keys.add(match[1]);
  }
  return [...keys].sort();
}

const fromConfig = (config: Record<string, unknown>) => config.SHUTDOWN_GRACE_MS as number;

export const APPS: Record<AppName, AppFacts> = {
  gateway: {
    name: 'gateway',
    variables: new Set(Object.keys(shapeOf(gatewayEnvSchema))),
    load: (env) => loadGatewayConfig(env),
    portKey: 'PORT',
    shutdownGraceMs: fromConfig,
    connects: connectedUrlKeys('gateway'),
  },
  core: {
    name: 'core',
    variables: new Set(Object.keys(shapeOf(coreEnvSchema))),
    load: (env) => loadCoreConfig(env),
    portKey: 'CORE_PORT',
    shutdownGraceMs: fromConfig,
    connects: connectedUrlKeys('core'),
    workQueue: QUEUES.orders,
  },
  indexer: {
    name: 'indexer',
    variables: new Set(Object.keys(shapeOf(indexerEnvSchema))),
    load: (env) => loadIndexerConfig(env),
    portKey: 'INDEXER_PORT',
    shutdownGraceMs: fromConfig,
    connects: connectedUrlKeys('indexer'),
    workQueue: QUEUES.indexerEvents,
  },
  scheduler: {
    name: 'scheduler',
    variables: new Set(Object.keys(shapeOf(schedulerEnvSchema))),
    load: (env) => loadSchedulerConfig(env),
    portKey: 'SCHEDULER_PORT',
    shutdownGraceMs: fromConfig,
    connects: connectedUrlKeys('scheduler'),
  },
  'provider-sim': {
    name: 'provider-sim',
    variables: new Set(Object.keys(providerSimEnvFields.shape)),
    load: (env) => loadProviderSimConfig(env) as unknown as Record<string, unknown>,
    portKey: 'PROVIDER_SIM_PORT',
    shutdownGraceMs: () => 5000,
    connects: connectedUrlKeys('provider-sim'),
  },
};

// The app a container runs, from its command (`node dist/apps/<app>/src/main.js`).
export function appOfCommand(command: string[] | undefined): AppFacts | undefined {
  const script = (command ?? []).find((part) => /dist\/apps\/[^/]+\/src\/main\.js$/.test(part));
  const name = script?.split('/')[2] as AppName | undefined;
  return name ? APPS[name] : undefined;
}

// The health routes every app registers (HealthController in @app/common).
export function healthPaths(): { live: string; ready: string } {
  const base = Reflect.getMetadata(PATH_METADATA, HealthController) as string;
  const route = (method: keyof HealthController) => `/${base}/${Reflect.getMetadata(PATH_METADATA, HealthController.prototype[method]) as string}`;
  return { live: route('live'), ready: route('ready') };
}

// The port a URL connects to (its scheme's default when the URL has none).
const DEFAULT_PORTS: Record<string, number> = {
  'postgres:': 5432,
  'postgresql:': 5432,
  'redis:': 6379,
  'rediss:': 6379,
  'amqp:': 5672,
  'amqps:': 5671,
  'http:': 80,
  'https:': 443,
};
export function portOfUrl(url: string): number {
  const parsed = new URL(url);
  return parsed.port ? Number(parsed.port) : DEFAULT_PORTS[parsed.protocol];
}

// The young generation's bound every app is deployed with: V8's default lets it grow past 100 MB under load, which
// alone takes an app past its 200 MB budget; much smaller (8) costs CPU in scavenges (bench/RESULTS.md, 2026-12-06).
export const MAX_SEMI_SPACE_MIB = 16;

// Problems with NODE_OPTIONS's young generation: no --max-semi-space-size, or one above MAX_SEMI_SPACE_MIB.
export function semiSpaceProblem(nodeOptions: string | undefined): string | undefined {
  const match = /--max-semi-space-size=(\d+)/.exec(nodeOptions ?? '');
  if (!match) return 'NODE_OPTIONS sets no --max-semi-space-size';
  return Number(match[1]) > MAX_SEMI_SPACE_MIB ? `--max-semi-space-size=${match[1]} is above ${MAX_SEMI_SPACE_MIB} MiB` : undefined;
}

// Parses `--max-old-space-size=N` (MiB) out of NODE_OPTIONS.
export function maxOldSpaceMiB(nodeOptions: string | undefined): number | undefined {
  const match = /--max-old-space-size=(\d+)/.exec(nodeOptions ?? '');
  return match ? Number(match[1]) : undefined;
}

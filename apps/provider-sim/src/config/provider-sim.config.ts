import { ConfigValidationError, port, tracingEnvSchema } from '@app/common';
import { z, ZodTypeAny } from 'zod';
import { FAULT_MODES, FaultSpec, faultSpecSchema } from '../faults/fault.dto';
import { VALIDATOR_SETTINGS, ValidatorSetting } from '../feed/conditional.util';
import { FeedSetting, feedSettingSchema } from '../feed/feed-setting.dto';
import { fixtureNames } from '../feed/fixtures.util';

const optionalInt = z.coerce.number().int().optional();

// Every variable the simulator reads (exported for the deploy tests).
export const providerSimEnvFields = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROVIDER_SIM_PORT: port(3004),
  // Loopback by default: the admin routes have no authentication. Containers set 0.0.0.0.
  PROVIDER_SIM_HOST: z.string().min(1).default('127.0.0.1'),
  // Default: generated when PROVIDER_SIM_PLANS is set, fixture when PROVIDER_SIM_FIXTURE is, else rotation.
  PROVIDER_SIM_FEED: z.enum(['rotation', 'fixture', 'generated']).optional(),
  PROVIDER_SIM_FIXTURE: z.string().optional(),
  PROVIDER_SIM_ROTATE_EVERY: optionalInt,
  PROVIDER_SIM_PLANS: optionalInt,
  PROVIDER_SIM_SEED: optionalInt,
  PROVIDER_SIM_VARY_SHARE: z.coerce.number().optional(),
  PROVIDER_SIM_VALIDATORS: z.enum(VALIDATOR_SETTINGS).default('both'),
  // A fault from start-up (PUT /admin/faults changes it). A latency without a mode means mode latency.
  PROVIDER_SIM_FAULT: z.enum(['none', ...FAULT_MODES]).default('none'),
  PROVIDER_SIM_LATENCY_MS: optionalInt,
  PROVIDER_SIM_FAULT_STATUS: optionalInt,
  PROVIDER_SIM_RETRY_AFTER_S: optionalInt,
  PROVIDER_SIM_FAULT_TIMES: optionalInt,
  ...tracingEnvSchema.shape,
});
type EnvFields = z.infer<typeof providerSimEnvFields>;
type VariableName = keyof EnvFields;

// The variable behind each field of the shared schemas, so a bad value is reported under the name the user set.
const FEED_VARIABLES: Record<string, VariableName> = {
  fixture: 'PROVIDER_SIM_FIXTURE',
  plans: 'PROVIDER_SIM_PLANS',
  seed: 'PROVIDER_SIM_SEED',
  vary_share: 'PROVIDER_SIM_VARY_SHARE',
  rotate_every: 'PROVIDER_SIM_ROTATE_EVERY',
};
const FAULT_VARIABLES: Record<string, VariableName> = {
  mode: 'PROVIDER_SIM_FAULT',
  latency_ms: 'PROVIDER_SIM_LATENCY_MS',
  status: 'PROVIDER_SIM_FAULT_STATUS',
  retry_after_s: 'PROVIDER_SIM_RETRY_AFTER_S',
  times: 'PROVIDER_SIM_FAULT_TIMES',
};

export interface ProviderSimConfig {
  LOG_LEVEL: EnvFields['LOG_LEVEL'];
  PROVIDER_SIM_PORT: number;
  PROVIDER_SIM_HOST: string;
  validators: ValidatorSetting;
  feed: FeedSetting;
  fault: FaultSpec | null;
}

export const PROVIDER_SIM_CONFIG = Symbol('PROVIDER_SIM_CONFIG');

class Problems {
  readonly list: string[] = [];
  readonly badVariables = new Set<string>();

  add(variable: string, message: string): void {
    this.list.push(`${variable}: ${message}`);
    this.badVariables.add(variable);
  }

  // Issues of a shared schema, under the variable of each field (skipping variables already reported).
  addIssues(issues: z.ZodIssue[], variables: Record<string, VariableName>): void {
    for (const issue of issues) {
      const variable = variables[String(issue.path[0])] ?? String(issue.path[0]);
      if (!this.badVariables.has(variable)) this.add(variable, issue.message);
    }
  }
}

function feedFrom(env: Partial<EnvFields>, fixtures: string[], problems: Problems): FeedSetting | undefined {
  if (problems.badVariables.has('PROVIDER_SIM_FEED')) return undefined;
  const mode = env.PROVIDER_SIM_FEED ?? (env.PROVIDER_SIM_PLANS !== undefined ? 'generated' : env.PROVIDER_SIM_FIXTURE !== undefined ? 'fixture' : 'rotation');
  const input =
    mode === 'rotation'
      ? { mode, rotate_every: env.PROVIDER_SIM_ROTATE_EVERY }
      : mode === 'fixture'
        ? { mode, fixture: env.PROVIDER_SIM_FIXTURE }
        : {
            mode,
            plans: env.PROVIDER_SIM_PLANS ?? 1000,
            seed: env.PROVIDER_SIM_SEED,
            vary_share: env.PROVIDER_SIM_VARY_SHARE,
            rotate_every: env.PROVIDER_SIM_ROTATE_EVERY,
          };
  const feed = feedSettingSchema.safeParse(input);
  if (!feed.success) {
    problems.addIssues(feed.error.issues, FEED_VARIABLES);
    return undefined;
  }
  if (feed.data.mode === 'fixture' && !fixtures.includes(feed.data.fixture)) {
    problems.add('PROVIDER_SIM_FIXTURE', `no fixture named "${feed.data.fixture}" (have ${fixtures.join(', ')})`);
    return undefined;
  }
  return feed.data;
}

function faultFrom(env: Partial<EnvFields>, problems: Problems): FaultSpec | null {
  if (problems.badVariables.has('PROVIDER_SIM_FAULT')) return null;
  const mode = env.PROVIDER_SIM_FAULT === 'none' && env.PROVIDER_SIM_LATENCY_MS !== undefined ? 'latency' : env.PROVIDER_SIM_FAULT;
  if (mode === 'none' || mode === undefined) {
    for (const variable of ['PROVIDER_SIM_FAULT_STATUS', 'PROVIDER_SIM_RETRY_AFTER_S', 'PROVIDER_SIM_FAULT_TIMES'] as const) {
      if (env[variable] !== undefined) problems.add(variable, 'needs PROVIDER_SIM_FAULT');
    }
    return null;
  }
  const fault = faultSpecSchema.safeParse({
    mode,
    latency_ms: env.PROVIDER_SIM_LATENCY_MS,
    status: env.PROVIDER_SIM_FAULT_STATUS,
    retry_after_s: env.PROVIDER_SIM_RETRY_AFTER_S,
    times: env.PROVIDER_SIM_FAULT_TIMES,
  });
  if (fault.success) return fault.data;
  problems.addIssues(fault.error.issues, FAULT_VARIABLES);
  return null;
}

// The only place the simulator reads the environment. Each variable is checked on its own, then the rules
// between them on those that parsed, so one message names every bad variable. `fixtures`: the names a fixture
// setting may use.
export function loadProviderSimConfig(env: NodeJS.ProcessEnv = process.env, fixtures: string[] = fixtureNames()): ProviderSimConfig {
  const problems = new Problems();
  const fields: Record<string, unknown> = {};
  for (const [name, schema] of Object.entries(providerSimEnvFields.shape) as Array<[string, ZodTypeAny]>) {
    const result = schema.safeParse(env[name]);
    if (result.success) fields[name] = result.data;
    else problems.add(name, result.error.issues.map((issue) => issue.message).join(', '));
  }
  const parsed = fields as Partial<EnvFields>;
  const feed = feedFrom(parsed, fixtures, problems);
  const fault = faultFrom(parsed, problems);
  if (problems.list.length > 0 || !feed) throw new ConfigValidationError(problems.list);
  return {
    LOG_LEVEL: parsed.LOG_LEVEL!,
    PROVIDER_SIM_PORT: parsed.PROVIDER_SIM_PORT!,
    PROVIDER_SIM_HOST: parsed.PROVIDER_SIM_HOST!,
    validators: parsed.PROVIDER_SIM_VALIDATORS!,
    feed,
    fault,
  };
}

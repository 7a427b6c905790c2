import { z, ZodTypeAny } from 'zod';
import { tracingEnvSchema } from '../tracing/tracing.env';

export class ConfigValidationError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid configuration: ${problems.join('; ')}`);
    this.name = 'ConfigValidationError';
  }
}

// Parses the whole environment at once so that one message names every bad variable.
export function parseEnv<S extends ZodTypeAny>(schema: S, env: NodeJS.ProcessEnv = process.env): z.infer<S> {
  const result = schema.safeParse(env);
  if (result.success) return result.data as z.infer<S>;
  const problems = result.error.issues.map((issue) => `${issue.path.join('.') || '(env)'}: ${issue.message}`);
  throw new ConfigValidationError(problems);
}

const DURATION_UNITS: Record<string, number> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000, d: 86_400_000 };

export function parseDurationMs(value: string): number | undefined {
  const match = /^(\d+)(ms|s|m|h|d)?$/.exec(value.trim());
  if (!match) return undefined;
  return Number(match[1]) * DURATION_UNITS[match[2] ?? 's'];
}

export const durationMs = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .transform((value, ctx) => {
      const ms = parseDurationMs(value);
      if (ms === undefined || ms <= 0) {
        ctx.addIssue({ code: z.ZodIssueCode.custom, message: `"${value}" is not a duration like 30s, 15m, 7d` });
        return z.NEVER;
      }
      return ms;
    });

// An IANA zone name (Europe/Madrid, UTC, Etc/GMT+1). Node 24's ICU also accepts UTC offsets such as +01:00 as a
// time zone; an offset has no DST rules, so provider local times would drift twice a year: names only.
const IANA_ZONE_NAME = /^[A-Za-z][A-Za-z_-]*(\/[A-Za-z0-9_+-]+)*$/;
export const ianaTimeZone = (fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine((zone) => IANA_ZONE_NAME.test(zone) && isKnownZone(zone), 'must be an IANA time zone such as Europe/Madrid');

function isKnownZone(zone: string): boolean {
  try {
    new Intl.DateTimeFormat('en-US', { timeZone: zone });
    return true;
  } catch {
    return false;
  }
}

export const port = (fallback: number) => z.coerce.number().int().min(1).max(65535).default(fallback);
export const positiveInt = (fallback: number) => z.coerce.number().int().positive().default(fallback);

const urlWithProtocols = (protocols: string[], fallback: string) =>
  z
    .string()
    .default(fallback)
    .refine(
      (value) => {
        try {
          return protocols.includes(new URL(value).protocol);
        } catch {
          return false;
        }
      },
      `must be a URL (${protocols.join(' or ')})`,
    );

// Variables every app shares; each app extends this with its own.
export const baseEnvSchema = z.object({
  NODE_ENV: z.enum(['development', 'test', 'production']).default('development'),
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  DATABASE_URL: urlWithProtocols(['postgres:', 'postgresql:'], 'postgres://postgres@127.0.0.1:5432/plans_platform'),
  REDIS_URL: urlWithProtocols(['redis:', 'rediss:'], 'redis://127.0.0.1:6379'),
  RABBITMQ_URL: urlWithProtocols(['amqp:', 'amqps:'], 'amqp://guest:guest@127.0.0.1:5672'),
  RMQ_PREFETCH: positiveInt(20),
  SHUTDOWN_GRACE_MS: positiveInt(10_000),
  ...tracingEnvSchema.shape,
});

export const jwtKeyEnvSchema = z.object({
  JWT_PRIVATE_KEY: z.string().optional(),
  JWT_PRIVATE_KEY_FILE: z.string().optional(),
  JWT_PUBLIC_KEY: z.string().optional(),
  JWT_PUBLIC_KEY_FILE: z.string().optional(),
  JWT_KEYS_DIR: z.string().default('.keys'),
  JWT_ISSUER: z.string().default('plans-platform'),
});

export type BaseEnv = z.infer<typeof baseEnvSchema>;

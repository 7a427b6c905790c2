import { baseEnvSchema, durationMs, ianaTimeZone, parseEnv, port } from '@app/common';
import { validateCronExpression } from 'cron';
import { z } from 'zod';

// Exported for the deploy tests, which hold the manifests' variables to it.
export const schedulerEnvSchema = baseEnvSchema.extend({
  SCHEDULER_PORT: port(3003),
  PROVIDER_URL: z.string().url().default('http://127.0.0.1:3004/feed'),
  PROVIDER_TIMEZONE: ianaTimeZone('Europe/Madrid'),
  PROVIDER_SYNC_INTERVAL: durationMs('30s'),
  // Each tick waits interval * (1 ± jitter), so replicas started together spread out.
  PROVIDER_SYNC_JITTER: z.coerce.number().min(0).max(0.5).default(0.1),
  // One attempt's deadline (headers and body); retries and their backoff share a budget ending before the next tick.
  PROVIDER_TIMEOUT: durationMs('10s'),
  PROVIDER_RETRY_ATTEMPTS: z.coerce.number().int().min(0).max(10).default(3),
  PROVIDER_MAX_FEED_BYTES: z.coerce
    .number()
    .int()
    .min(1024)
    .default(64 * 1024 * 1024),
  // Consecutive failed syncs that open the circuit, and how long it stays open before one trial sync.
  PROVIDER_BREAKER_THRESHOLD: z.coerce.number().int().min(1).default(3),
  PROVIDER_BREAKER_COOLDOWN: durationMs('5m'),
  // A 200 whose plan count fell by more than this share of the last applied snapshot changes nothing.
  PROVIDER_SHRINK_LIMIT: z.coerce.number().gt(0).max(1).default(0.5),
  PROVIDER_BATCH_SIZE: z.coerce.number().int().min(1).max(5000).default(1000),
  // Cron (5 or 6 fields, seconds first when 6, or @hourly, @daily, ...), read in UTC like the view's days.
  MV_REFRESH_SCHEDULE: z
    .string()
    .default('@hourly')
    .refine((expression) => validateCronExpression(expression).valid, 'must be a cron expression such as @hourly or 0 */15 * * * *'),
  // Soft-deleted users are erased this long after their deletion, by a sweep on USER_ERASURE_SCHEDULE (UTC).
  USER_ERASURE_GRACE: durationMs('30d'),
  USER_ERASURE_SCHEDULE: z
    .string()
    .default('@hourly')
    .refine((expression) => validateCronExpression(expression).valid, 'must be a cron expression such as @hourly or 0 */15 * * * *'),
  // Audit events are kept this long (whole month partitions are dropped once wholly older); the maintenance tick on
  // AUDIT_MAINTENANCE_SCHEDULE (UTC) also creates the coming months' partitions and seals the hash chain.
  AUDIT_RETENTION: durationMs('365d'),
  AUDIT_MAINTENANCE_SCHEDULE: z
    .string()
    .default('* * * * *')
    .refine((expression) => validateCronExpression(expression).valid, 'must be a cron expression such as @hourly or 0 */15 * * * *'),
});

export type SchedulerConfig = z.infer<typeof schedulerEnvSchema>;
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

// The only place the scheduler reads the environment.
export function loadSchedulerConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return parseEnv(schedulerEnvSchema, env);
}

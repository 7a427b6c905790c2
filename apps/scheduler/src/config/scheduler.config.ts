import { baseEnvSchema, durationMs, parseEnv, port } from '@app/common';
import { validateCronExpression } from 'cron';
import { z } from 'zod';

const schedulerEnvSchema = baseEnvSchema.extend({
  SCHEDULER_PORT: port(3003),
  PROVIDER_URL: z.string().url().default('http://127.0.0.1:3004/feed'),
  PROVIDER_TIMEZONE: z
    .string()
    .default('Europe/Madrid')
    .refine((zone) => {
      try {
        new Intl.DateTimeFormat('en-US', { timeZone: zone });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Europe/Madrid'),
  PROVIDER_SYNC_INTERVAL: durationMs('30s'),
  // Cron (5 or 6 fields, seconds first when 6, or @hourly, @daily, ...), read in UTC like the view's days.
  MV_REFRESH_SCHEDULE: z
    .string()
    .default('@hourly')
    .refine((expression) => validateCronExpression(expression).valid, 'must be a cron expression such as @hourly or 0 */15 * * * *'),
});

export type SchedulerConfig = z.infer<typeof schedulerEnvSchema>;
export const SCHEDULER_CONFIG = Symbol('SCHEDULER_CONFIG');

// The only place the scheduler reads the environment.
export function loadSchedulerConfig(env: NodeJS.ProcessEnv = process.env): SchedulerConfig {
  return parseEnv(schedulerEnvSchema, env);
}

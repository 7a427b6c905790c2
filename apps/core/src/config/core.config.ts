import { baseEnvSchema, durationMs, jwtKeyEnvSchema, parseEnv, port, positiveInt } from '@app/common';
import { z } from 'zod';

const coreEnvSchema = baseEnvSchema
  .merge(jwtKeyEnvSchema)
  .extend({
    CORE_PORT: port(3001),
    JWT_ACCESS_TTL: durationMs('15m'),
    JWT_REFRESH_TTL: durationMs('7d'),
    ADMIN_EMAIL: z.string().email().optional(),
    ADMIN_PASSWORD: z.string().min(8).optional(),
    OUTBOX_POLL_MS: positiveInt(1000),
    ELASTICSEARCH_URL: z.string().url().optional(),
    // Bounds the lock wait and the REFRESH of daily_sales_mv together (minutes: it scans every order).
    MV_REFRESH_TIMEOUT_MS: positiveInt(300_000),
    // Bounds the dashboard's read of the view, below the gateway's RPC_TIMEOUT_MS so a lock shows as core's 504.
    SALES_QUERY_TIMEOUT_MS: positiveInt(2000),
  })
  .refine((env) => Boolean(env.ADMIN_EMAIL) === Boolean(env.ADMIN_PASSWORD), {
    message: 'ADMIN_EMAIL and ADMIN_PASSWORD must be set together',
    path: ['ADMIN_PASSWORD'],
  });

export type CoreConfig = z.infer<typeof coreEnvSchema>;
export const CORE_CONFIG = Symbol('CORE_CONFIG');

// The only place core reads the environment.
export function loadCoreConfig(env: NodeJS.ProcessEnv = process.env): CoreConfig {
  return parseEnv(coreEnvSchema, env);
}

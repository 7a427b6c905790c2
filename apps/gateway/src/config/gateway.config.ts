import { baseEnvSchema, jwtKeyEnvSchema, parseEnv, port, positiveInt } from '@app/common';
import { z } from 'zod';

const gatewayEnvSchema = baseEnvSchema.merge(jwtKeyEnvSchema).extend({
  PORT: port(3000),
  RPC_TIMEOUT_MS: positiveInt(5000),
  // Core bounds a sales view refresh by this; the gateway waits that long plus RPC_TIMEOUT_MS for its answer.
  MV_REFRESH_TIMEOUT_MS: positiveInt(300_000),
  BODY_LIMIT_BYTES: positiveInt(1_048_576),
  RATE_LIMIT_ANON_PER_HOUR: positiveInt(100),
  RATE_LIMIT_USER_PER_HOUR: positiveInt(1000),
  TRUST_PROXY: z
    .enum(['true', 'false'])
    .default('false')
    .transform((value) => value === 'true'),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

// The only place the gateway reads the environment.
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseEnv(gatewayEnvSchema, env);
}

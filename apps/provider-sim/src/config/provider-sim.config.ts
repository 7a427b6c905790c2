import { parseEnv, port } from '@app/common';
import { z } from 'zod';

const providerSimEnvSchema = z.object({
  LOG_LEVEL: z.enum(['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent']).default('info'),
  PROVIDER_SIM_PORT: port(3004),
});

export type ProviderSimConfig = z.infer<typeof providerSimEnvSchema>;

// The only place the simulator reads the environment.
export function loadProviderSimConfig(env: NodeJS.ProcessEnv = process.env): ProviderSimConfig {
  return parseEnv(providerSimEnvSchema, env);
}

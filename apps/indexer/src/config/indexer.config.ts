import { baseEnvSchema, parseEnv, port } from '@app/common';
import { z } from 'zod';

// Exported for the deploy tests, which hold the manifests' variables to it.
export const indexerEnvSchema = baseEnvSchema.extend({
  INDEXER_PORT: port(3002),
  ELASTICSEARCH_URL: z.string().url().optional(),
});

export type IndexerConfig = z.infer<typeof indexerEnvSchema>;
export const INDEXER_CONFIG = Symbol('INDEXER_CONFIG');

// The only place the indexer reads the environment.
export function loadIndexerConfig(env: NodeJS.ProcessEnv = process.env): IndexerConfig {
  return parseEnv(indexerEnvSchema, env);
}

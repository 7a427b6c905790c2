import type { errors } from '@elastic/elasticsearch';

// The client's error classes, required on first use: with the Postgres backend (no ELASTICSEARCH_URL) nothing
// loads the Elasticsearch client, its transport or their OpenTelemetry modules (about 10 MB of heap per app).
export function elasticsearchErrors(): typeof errors {
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  return (require('@elastic/elasticsearch') as typeof import('@elastic/elasticsearch')).errors;
}

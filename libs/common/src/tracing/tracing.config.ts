import { parseEnv } from '../config/env.util';
import { tracingEnvSchema } from './tracing.env';
import type { z } from 'zod';

export type TracingEnv = z.infer<typeof tracingEnvSchema>;

export interface TracingSettings {
  serviceName: string;
  // Where spans are POSTed: the traces endpoint as given, or the base endpoint plus /v1/traces.
  tracesUrl: string;
  protocol: TracingEnv['OTEL_EXPORTER_OTLP_PROTOCOL'];
  sampler: TracingEnv['OTEL_TRACES_SAMPLER'];
  ratio: number;
}

// Null (tracing off: no SDK, no instrumentation, nothing sent) unless an endpoint is set; OTEL_SDK_DISABLED wins.
export function tracingSettings(app: string, env: NodeJS.ProcessEnv = process.env): TracingSettings | null {
  const parsed = parseEnv(tracingEnvSchema, env);
  if (parsed.OTEL_SDK_DISABLED === 'true') return null;
  const base = parsed.OTEL_EXPORTER_OTLP_ENDPOINT;
  const tracesUrl = parsed.OTEL_EXPORTER_OTLP_TRACES_ENDPOINT ?? (base ? `${base.replace(/\/+$/, '')}/v1/traces` : undefined);
  if (!tracesUrl) return null;
  return {
    serviceName: parsed.OTEL_SERVICE_NAME ?? app,
    tracesUrl,
    protocol: parsed.OTEL_EXPORTER_OTLP_PROTOCOL,
    sampler: parsed.OTEL_TRACES_SAMPLER,
    ratio: parsed.OTEL_TRACES_SAMPLER_ARG ?? 1,
  };
}

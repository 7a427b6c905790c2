import { z } from 'zod';

const optionalUrl = z
  .string()
  .url('must be a URL such as http://jaeger:4318')
  .refine((value) => /^https?:$/.test(new URL(value).protocol), 'must be an http: or https: URL')
  .optional();

const SAMPLERS = ['always_on', 'always_off', 'traceidratio', 'parentbased_always_on', 'parentbased_always_off', 'parentbased_traceidratio'] as const;

// The OpenTelemetry SDK's standard variables this platform honours. Part of every app's config schema (so a bad
// value fails the boot with the others), and read on its own by startTracing, which must run before the app's
// config module and everything it imports are loaded.
export const tracingEnvSchema = z.object({
  OTEL_SDK_DISABLED: z.enum(['true', 'false']).default('false'),
  OTEL_EXPORTER_OTLP_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: optionalUrl,
  OTEL_EXPORTER_OTLP_PROTOCOL: z.enum(['http/protobuf', 'http/json']).default('http/protobuf'),
  OTEL_SERVICE_NAME: z.string().min(1).optional(),
  OTEL_RESOURCE_ATTRIBUTES: z.string().optional(),
  OTEL_TRACES_SAMPLER: z.enum(SAMPLERS).default('parentbased_always_on'),
  OTEL_TRACES_SAMPLER_ARG: z.coerce.number().min(0).max(1).optional(),
});

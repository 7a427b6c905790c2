import { OTLPTraceExporter as OtlpJsonTraceExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OtlpProtoTraceExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { HttpInstrumentation } from '@opentelemetry/instrumentation-http';
import { IORedisInstrumentation } from '@opentelemetry/instrumentation-ioredis';
import { PgInstrumentation } from '@opentelemetry/instrumentation-pg';
import { envDetector } from '@opentelemetry/resources';
import { NodeSDK } from '@opentelemetry/sdk-node';
import { AlwaysOffSampler, AlwaysOnSampler, ParentBasedSampler, Sampler, TraceIdRatioBasedSampler } from '@opentelemetry/sdk-trace';
import type { TracingSettings } from './tracing.config';

function samplerFor(settings: TracingSettings): Sampler {
  const ratio = new TraceIdRatioBasedSampler(settings.ratio);
  switch (settings.sampler) {
    case 'always_on':
      return new AlwaysOnSampler();
    case 'always_off':
      return new AlwaysOffSampler();
    case 'traceidratio':
      return ratio;
    case 'parentbased_always_off':
      return new ParentBasedSampler({ root: new AlwaysOffSampler() });
    case 'parentbased_traceidratio':
      return new ParentBasedSampler({ root: ratio });
    default:
      return new ParentBasedSampler({ root: new AlwaysOnSampler() });
  }
}

// Loaded only when tracing is on (see startTracing), so with tracing off not one OpenTelemetry module is required
// and nothing is patched. AMQP is not instrumented here: amqplib's instrumentation parents its publish span on
// whatever context is active when the channel really writes, which for amqp-connection-manager's deferred
// publishes and Nest's client is not the request's, and it overwrites the traceparent put in the headers.
// Messages are traced explicitly instead (message-trace.ts).
export function startSdk(settings: TracingSettings): NodeSDK {
  const exporter = settings.protocol === 'http/json' ? new OtlpJsonTraceExporter({ url: settings.tracesUrl }) : new OtlpProtoTraceExporter({ url: settings.tracesUrl });
  const sdk = new NodeSDK({
    serviceName: settings.serviceName,
    traceExporter: exporter,
    sampler: samplerFor(settings),
    resourceDetectors: [envDetector],
    // Traces only: without these NodeSDK would also start an OTLP metrics reader (fed by the HTTP instrumentation's
    // duration histogram on every request) and an OTLP logs pipeline. Metrics are Prometheus's, logs are stdout's.
    metricReaders: [],
    logRecordProcessors: [],
    instrumentations: [
      // Outgoing calls only, and only those made while handling something. An inbound request's SERVER span is
      // made by the apps' first Fastify hook (runInServerSpan), at a fraction of this instrumentation's cost.
      new HttpInstrumentation({ disableIncomingRequestInstrumentation: true, requireParentforOutgoingSpans: true }),
      // A query or command outside any span (the outbox poll, a health check) would be a trace of its own.
      new PgInstrumentation({ requireParentSpan: true }),
      new IORedisInstrumentation({ requireParentSpan: true }),
    ],
  });
  sdk.start();
  return sdk;
}

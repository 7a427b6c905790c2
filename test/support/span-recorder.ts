import { propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import { setTracingShutdown } from '@app/common';

// Unit specs: a tracer provider that keeps every ended span in memory, registered as the global one with the W3C
// propagator, and marked as a running SDK (so the code under test takes its traced paths). Call `stop` in afterEach.
export function recordSpans(): { ended: () => ReadableSpan[]; stop: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  setTracingShutdown(() => provider.shutdown());
  return {
    ended: () => exporter.getFinishedSpans(),
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
    },
  };
}

import { context, propagation, trace } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { InMemorySpanExporter, ReadableSpan, SimpleSpanProcessor, StackContextManager, TracerProvider } from '@opentelemetry/sdk-trace';
import { setTracingShutdown } from '@app/common';

// Unit specs: a tracer provider that keeps every ended span in memory, registered as the global one with the W3C
// propagator and a context manager, and marked as a running SDK (so the code under test takes its traced paths). Call `stop` in afterEach.
export function recordSpans(): { ended: () => ReadableSpan[]; stop: () => Promise<void> } {
  const exporter = new InMemorySpanExporter();
  const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter })] });
  trace.setGlobalTracerProvider(provider);
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  // Synchronous only (the SDK's async-hooks manager is not a dependency of ours): enough for what the specs check.
  context.setGlobalContextManager(new StackContextManager().enable());
  setTracingShutdown(() => provider.shutdown());
  return {
    ended: () => exporter.getFinishedSpans(),
    stop: async () => {
      await provider.shutdown();
      trace.disable();
      propagation.disable();
      context.disable();
    },
  };
}

let shutdown: (() => Promise<void>) | undefined;

// Called once by startTracing when the SDK runs (and by unit specs that register a tracer provider of their own).
export function setTracingShutdown(fn: () => Promise<void>): void {
  shutdown = fn;
}

// Whether an SDK runs. The paths taken per request, message and log line ask this first and skip the
// OpenTelemetry API entirely when it does not: tracing off costs one boolean test there (bench/RESULTS.md).
export function tracingOn(): boolean {
  return shutdown !== undefined;
}

// Sends the spans still buffered; called on a graceful exit. A no-op when tracing is off.
export async function shutdownTracing(): Promise<void> {
  await shutdown?.().catch(() => undefined);
}

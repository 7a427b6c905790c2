let shutdown: (() => Promise<void>) | undefined;

export function setTracingShutdown(fn: () => Promise<void>): void {
  shutdown = fn;
}

// Sends the spans still buffered; called on a graceful exit. A no-op when tracing is off.
export async function shutdownTracing(): Promise<void> {
  await shutdown?.().catch(() => undefined);
}

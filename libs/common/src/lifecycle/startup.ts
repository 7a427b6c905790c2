import { ConfigValidationError } from '../config/env.util';
import { shutdownTracing } from '../tracing/tracing-shutdown';

// A dependency that did not answer at start: the message names it and where it was looked for.
export class DependencyUnavailableError extends Error {
  constructor(dependency: string, url: string, cause: unknown) {
    super(`${dependency} is unreachable at ${redactUrl(url)}: ${cause instanceof Error ? cause.message : String(cause)}`);
    this.name = 'DependencyUnavailableError';
  }
}

export function redactUrl(url: string): string {
  try {
    const parsed = new URL(url);
    return `${parsed.protocol}//${parsed.hostname}:${parsed.port || '(default port)'}${parsed.pathname === '/' ? '' : parsed.pathname}`;
  } catch {
    return '(invalid url)';
  }
}

export async function withStartupTimeout<T>(dependency: string, url: string, ms: number, work: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  try {
    return await Promise.race([
      work,
      new Promise<never>((_, reject) => {
        timer = setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms);
      }),
    ]);
  } catch (error) {
    throw new DependencyUnavailableError(dependency, url, error);
  } finally {
    clearTimeout(timer);
  }
}

// Runs an app's bootstrap; a bad config or a missing dependency ends the process with one clear line.
export function runApp(app: string, bootstrap: () => Promise<void>): void {
  bootstrap().catch((error: unknown) => {
    const reason =
      error instanceof ConfigValidationError || error instanceof DependencyUnavailableError
        ? error.message
        : error instanceof Error
          ? `${error.message}\n${error.stack ?? ''}`
          : String(error);
    process.stderr.write(`${JSON.stringify({ level: 'fatal', app, time: new Date().toISOString(), message: `${app} failed to start: ${reason}` })}\n`);
    process.exit(1);
  });
}

interface Closable {
  close(): Promise<void>;
}

let signalReceived = false;

// True from the first SIGTERM/SIGINT on: /health/ready answers 503 at once, before the drain, so the app is taken
// out of its Service while in-flight work finishes.
export function shutdownSignalReceived(): boolean {
  return signalReceived;
}

// SIGTERM/SIGINT: mark the app not ready, close it (Nest runs the drain and shutdown hooks), then exit 0; a close that hangs
// past the deadline exits 1 so the orchestrator is not kept waiting.
export function closeOnSignals(app: Closable, deadlineMs: number): void {
  let closing = false;
  const onSignal = (signal: NodeJS.Signals) => {
    if (closing) return;
    closing = true;
    signalReceived = true;
    process.stdout.write(`${JSON.stringify({ level: 'info', time: new Date().toISOString(), message: `${signal} received, closing` })}\n`);
    setTimeout(() => {
      process.stderr.write(`${JSON.stringify({ level: 'error', message: `shutdown after ${signal} exceeded ${deadlineMs} ms` })}\n`);
      process.exit(1);
    }, deadlineMs).unref();
    // The spans still buffered go out after the app closed (bounded by the deadline above).
    app.close().then(
      () => shutdownTracing().then(() => process.exit(0)),
      () => process.exit(1),
    );
  };
  process.once('SIGTERM', onSignal);
  process.once('SIGINT', onSignal);
}

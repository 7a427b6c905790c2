import { tracingSettings } from './tracing.config';
import { setTracingShutdown } from './tracing-shutdown';

// Call first in an app's entry file, before Nest, pg or ioredis are required: instrumentations patch modules as
// they are loaded, and a module loaded earlier stays unpatched. Off unless an OTLP endpoint is set.
export function startTracing(app: string, env: NodeJS.ProcessEnv = process.env): boolean {
  const settings = tracingSettings(app, env);
  if (!settings) return false;
  // Required here, not imported: with tracing off the SDK is never loaded.
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const { startSdk } = require('./tracing.sdk') as typeof import('./tracing.sdk');
  const sdk = startSdk(settings);
  setTracingShutdown(() => sdk.shutdown());
  return true;
}

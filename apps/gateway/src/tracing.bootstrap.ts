import { startTracing } from '@app/common/tracing';

// Imported first by main.ts, so the instrumentations are in place before Nest, pg or ioredis are required.
startTracing('gateway');

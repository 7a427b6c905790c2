import Redis from 'ioredis';
import { withStartupTimeout } from '../lifecycle/startup';

export const REDIS = Symbol('REDIS');

// Redis is only a cache here: commands fail fast instead of queueing while it is down,
// so callers can fall back to the source of truth.
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

export async function connectRedis(url: string, name: string, timeoutMs = 5000): Promise<Redis> {
  const redis = createRedis(url, name);
  redis.on('error', () => undefined); // reconnects on its own; readiness reports the outage
  try {
    await withStartupTimeout(
      'Redis',
      url,
      timeoutMs,
      new Promise<void>((resolve, reject) => {
        redis.once('ready', () => resolve());
        redis.once('end', () => reject(new Error('connection closed')));
      }),
    );
    return redis;
  } catch (error) {
    redis.disconnect();
    throw error;
  }
}

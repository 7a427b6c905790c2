import Redis from 'ioredis';

// Redis is only a cache here: commands fail fast instead of queueing while it is down,
// so callers can fall back to the source of truth.
export function createRedis(url: string, name: string): Redis {
  return new Redis(url, {
    connectionName: name,
    lazyConnect: false,
    enableOfflineQueue: false,
    maxRetriesPerRequest: 1,
    connectTimeout: 2000,
    commandTimeout: 1000,
    retryStrategy: (times) => Math.min(times * 200, 2000),
  });
}

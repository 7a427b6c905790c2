import type Redis from 'ioredis';
import type { DataSource } from 'typeorm';
import type { RmqConnection } from '../rmq/rmq.connection';
import type { ReadinessCheck } from './health.module';

export const postgresCheck = (dataSource: DataSource): ReadinessCheck => ({
  name: 'postgres',
  check: async () => void (await dataSource.query('SELECT 1')),
});

export const redisCheck = (redis: Redis): ReadinessCheck => ({ name: 'redis', check: async () => void (await redis.ping()) });

export const rabbitmqCheck = (rmq: RmqConnection): ReadinessCheck => ({
  name: 'rabbitmq',
  check: async () => {
    if (!rmq.isConnected()) throw new Error('not connected');
  },
});

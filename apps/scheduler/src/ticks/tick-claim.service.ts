import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { hostname } from 'node:os';
import { REDIS } from '@app/common';

export type ClaimResult = 'won' | 'lost' | 'unknown';

// Longer than any clock skew between replicas or a late timer; one small key per job and tick.
const CLAIM_TTL_MS = 10 * 60_000;

// Elects one scheduler replica per tick: every replica computes the same tick time, the first SET NX wins.
// Redis only saves the duplicate messages: when it cannot answer ('unknown') every replica publishes and
// core still serves the tick once (it records the last tick served, under its refresh lock).
@Injectable()
export class TickClaim {
  private readonly logger = new Logger(TickClaim.name);
  private readonly owner = `${hostname()}:${process.pid}`;

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async claim(job: string, tickAt: Date): Promise<ClaimResult> {
    try {
      const set = await this.redis.set(`scheduler:tick:${job}:${tickAt.toISOString()}`, this.owner, 'PX', CLAIM_TTL_MS, 'NX');
      return set === 'OK' ? 'won' : 'lost';
    } catch (error) {
      this.logger.warn(`tick claim for ${job} unavailable, publishing anyway: ${error instanceof Error ? error.message : String(error)}`);
      return 'unknown';
    }
  }
}

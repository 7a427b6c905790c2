import { Injectable } from '@nestjs/common';
import { Counter } from 'prom-client';
import { MetricsService } from '@app/common';

export type ContentReadKind = 'item' | 'list';
// fill: a cache miss this process answered from the database; bypass: Redis unreachable; fallback: another
// replica's fill did not land within the wait.
export type ContentReadReason = 'fill' | 'bypass' | 'fallback';

@Injectable()
export class ContentMetrics {
  readonly databaseReads: Counter<'kind' | 'reason'>;
  readonly sharedFills: Counter<'scope'>;

  constructor(metrics: MetricsService) {
    this.databaseReads = new Counter({
      name: 'content_database_reads_total',
      help: 'Content reads that queried PostgreSQL (cache misses, bypasses and fallbacks); concurrent misses of one key count once',
      labelNames: ['kind', 'reason'],
      registers: [metrics.registry],
    });
    this.sharedFills = new Counter({
      name: 'content_cache_shared_fills_total',
      help: 'Content cache misses that waited for a fill already under way instead of querying (scope: process or replicas)',
      labelNames: ['scope'],
      registers: [metrics.registry],
    });
  }
}

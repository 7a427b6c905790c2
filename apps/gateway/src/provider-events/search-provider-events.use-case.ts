import { Injectable } from '@nestjs/common';
import { MetricsService } from '@app/common';
import { PROVIDER_PATTERNS, SearchProviderEventsPayload, SearchProviderEventsReply } from '@app/contracts';
import { CoreClient } from '../core-client/core.client';
import { CatalogStateTracker } from './catalog-state.tracker';
import { EventRange } from './event-range.util';
import { bucketOf, CachedSearch, ProviderEventsCache, SearchBucket, toCachedSearch } from './provider-events.cache';

export interface ProviderEventsAnswer {
  body: Buffer; // the contract's envelope, serialised
  syncedAt: string | null;
  cache: 'HIT' | 'MISS';
  truncated: boolean;
}

interface Loaded {
  search: CachedSearch;
  version: string;
  syncedAt: string | null;
}

// GET /events/search. A hit costs no I/O: the catalog state is known (learned from Redis at most once a second),
// the range's UTC-day bucket is cached for that catalog version, and the superset is filtered exactly. Otherwise
// core is asked for the bucket, once for every request waiting on the same bucket meanwhile.
@Injectable()
export class SearchProviderEventsUseCase {
  private readonly loads = new Map<string, Promise<Loaded>>();

  constructor(
    private readonly core: CoreClient,
    private readonly catalog: CatalogStateTracker,
    private readonly cache: ProviderEventsCache,
    private readonly metrics: MetricsService,
  ) {}

  async execute(range: EventRange, requestId: string): Promise<ProviderEventsAnswer> {
    const bucket = bucketOf(range);
    const state = this.catalog.current() ?? (await this.catalog.refresh());
    const cached = state && this.cache.get(state.catalog_version, bucket);
    if (cached) {
      this.metrics.cacheLookups.inc({ cache: 'provider_events', result: 'hit' });
      return { body: this.cache.body(state.catalog_version, cached, range), syncedAt: state.synced_at, cache: 'HIT', truncated: cached.truncated };
    }
    this.metrics.cacheLookups.inc({ cache: 'provider_events', result: 'miss' });
    const loaded = await this.load(bucket, requestId);
    const body = this.cache.body(loaded.version, loaded.search, range);
    return { body, syncedAt: latest(loaded.syncedAt, state?.synced_at ?? null), cache: 'MISS', truncated: loaded.search.truncated };
  }

  private load(bucket: SearchBucket, requestId: string): Promise<Loaded> {
    const pending = this.loads.get(bucket.key);
    if (pending) return pending;
    const payload: SearchProviderEventsPayload = { starts_at: bucket.startsAt, ends_at: bucket.endsAt };
    const load = this.core
      .send<SearchProviderEventsReply>(PROVIDER_PATTERNS.search, payload, requestId)
      .then((reply) => {
        const search = toCachedSearch(reply.events, reply.truncated);
        // Core read the rows and the version in one snapshot: the rows belong to the version it names.
        this.cache.set(reply.catalog_version, bucket, search);
        // Without a state from Redis (none yet, flushed, or down), or with an older one, core's is the one to go by.
        this.catalog.observe({ catalog_version: reply.catalog_version, synced_at: reply.synced_at });
        return { search, version: reply.catalog_version, syncedAt: reply.synced_at };
      })
      .finally(() => this.loads.delete(bucket.key));
    this.loads.set(bucket.key, load);
    return load;
  }
}

// Both are ISO 8601 UTC with milliseconds (core's toISOString, the tracker's normalised value), so they sort as text.
function latest(a: string | null, b: string | null): string | null {
  if (a === null || b === null) return a ?? b;
  return a > b ? a : b;
}

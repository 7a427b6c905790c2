import { Logger } from '@nestjs/common';
import type Redis from 'ioredis';
import { PROVIDER_CATALOG_STATE_KEY, ProviderCatalogState } from '@app/contracts';

// How long a learned catalog state is trusted before Redis is read again: a sync that changed the catalog is
// seen by every gateway replica within about this long.
export const CATALOG_STATE_MAX_AGE_MS = 1000;

export interface Clock {
  now(): number;
}

// The provider catalog's version and last sync, as the scheduler publishes them in Redis after every successful
// sync. Read at most once per CATALOG_STATE_MAX_AGE_MS, by one read shared by every request that needs it
// (single flight); between reads the answer costs nothing. When Redis has no state (never synced, flushed) or is
// down, `refresh()` answers undefined and the caller asks core, whose reply carries the same state: `observe` keeps
// it for the same time, so even then core is asked about once a second per range, not per request.
export class CatalogStateTracker {
  private readonly logger = new Logger(CatalogStateTracker.name);
  private known?: { state: ProviderCatalogState; at: number };
  private lastReadAt = Number.NEGATIVE_INFINITY;
  private reading?: Promise<ProviderCatalogState | undefined>;
  private failing = false;

  constructor(
    private readonly redis: Pick<Redis, 'get'>,
    private readonly clock: Clock = Date,
  ) {}

  // The state if learned recently enough, without waiting.
  current(): ProviderCatalogState | undefined {
    return this.known && this.clock.now() - this.known.at < CATALOG_STATE_MAX_AGE_MS ? this.known.state : undefined;
  }

  // A fresh state from Redis, read once for every caller waiting meanwhile; undefined when Redis has none or is
  // down (and, without asking again, until CATALOG_STATE_MAX_AGE_MS after that read).
  refresh(): Promise<ProviderCatalogState | undefined> {
    const current = this.current();
    if (current) return Promise.resolve(current);
    if (this.clock.now() - this.lastReadAt < CATALOG_STATE_MAX_AGE_MS) return Promise.resolve(undefined);
    this.reading ??= this.read().finally(() => (this.reading = undefined));
    return this.reading;
  }

  // A state core answered with (read in the same snapshot as its rows): taken when nothing fresher is known, or
  // when it is a newer version than the one known (Redis is written after Postgres, so it can lag a little).
  observe(state: ProviderCatalogState): void {
    const current = this.current();
    if (current && BigInt(state.catalog_version) <= BigInt(current.catalog_version)) return;
    this.known = { state, at: this.clock.now() };
  }

  private async read(): Promise<ProviderCatalogState | undefined> {
    const startedAt = this.clock.now();
    let raw: string | null;
    try {
      raw = await this.redis.get(PROVIDER_CATALOG_STATE_KEY);
      if (this.failing) this.logger.log('Redis answers again: the catalog state is read from it');
      this.failing = false;
    } catch (error) {
      // Logged once per outage, not once a second.
      if (!this.failing) this.logger.warn(`Redis unavailable, the catalog state comes from core: ${(error as Error).message}`);
      this.failing = true;
      raw = null;
    }
    this.lastReadAt = startedAt;
    const state = raw === null ? undefined : parseState(raw);
    if (raw !== null && !state) this.logger.warn(`ignoring a malformed ${PROVIDER_CATALOG_STATE_KEY}`);
    if (state) this.known = { state, at: startedAt };
    return state;
  }
}

function parseState(raw: string): ProviderCatalogState | undefined {
  let value: unknown;
  try {
    value = JSON.parse(raw);
  } catch {
    return undefined;
  }
  const { catalog_version: version, synced_at: syncedAt } = (value ?? {}) as Record<string, unknown>;
  const versionText = typeof version === 'number' && Number.isSafeInteger(version) ? String(version) : version;
  if (typeof versionText !== 'string' || !/^\d{1,20}$/.test(versionText)) return undefined;
  if (syncedAt === null || syncedAt === undefined) return { catalog_version: versionText, synced_at: null };
  const instant = typeof syncedAt === 'string' ? Date.parse(syncedAt) : Number.NaN;
  if (Number.isNaN(instant)) return undefined;
  return { catalog_version: versionText, synced_at: new Date(instant).toISOString() };
}

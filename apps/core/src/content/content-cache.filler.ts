import { Inject, Injectable, Optional } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ContentCacheStore } from './content-cache.store';
import { ContentMetrics, ContentReadKind } from './content.metrics';
import { SingleFlight } from './single-flight.util';

// Seams for tests that race a fill against a write deterministically (barriers, not timing). None in production.
export const CONTENT_FILL_HOOKS = Symbol('CONTENT_FILL_HOOKS');
export interface ContentFillHooks {
  // A miss of `key` found another fill under way (in this process, or holding the lock in Redis) and waits for it.
  onShare?(key: string): void;
  // Awaited between the database read and the guarded cache write: the window a write can fall into.
  afterLoad?(key: string): Promise<void>;
}

// One cache fill: `key` names what is filled *and the generation it was read under*, so a miss that starts after
// a write never shares a fill that started before it.
export interface FillPlan<Loaded, Value> {
  kind: ContentReadKind;
  key: string;
  readCache: () => Promise<Value | null>;
  load: () => Promise<Loaded>;
  store: (loaded: Loaded) => Promise<void>;
  present: (loaded: Loaded) => Value;
}

export interface Filled<Value> {
  value: Value;
  source: 'cache' | 'database';
}

// The lock outlives any normal fill (one indexed query); a waiter gives up well inside the gateway's RPC timeout.
export const FILL_LOCK_MS = 2000;
export const FILL_WAIT_MS = 1000;
const FIRST_POLL_MS = 5;
const MAX_POLL_MS = 50;

// Single flight for content cache misses. In this process, concurrent misses of a key share one promise. Across
// replicas, the first takes a short Redis lock (SET NX PX) and queries; the others poll the cache until its entry
// lands, and after FILL_WAIT_MS read the database themselves. The lock holder checks the cache once more before
// querying, since a fill may have landed between its miss and its lock. So N concurrent misses cost one query.
@Injectable()
export class ContentCacheFiller {
  private readonly flights = new SingleFlight<Filled<unknown>>();

  constructor(
    private readonly store: ContentCacheStore,
    private readonly metrics: ContentMetrics,
    @Optional() @Inject(CONTENT_FILL_HOOKS) private readonly hooks: ContentFillHooks = {},
  ) {}

  fill<Loaded, Value>(plan: FillPlan<Loaded, Value>): Promise<Filled<Value>> {
    const share = () => {
      this.metrics.sharedFills.inc({ scope: 'process' });
      this.hooks.onShare?.(plan.key);
    };
    return this.flights.run(plan.key, () => this.fillOnce(plan), share) as Promise<Filled<Value>>;
  }

  private async fillOnce<Loaded, Value>(plan: FillPlan<Loaded, Value>): Promise<Filled<Value>> {
    const token = randomUUID();
    const deadline = Date.now() + FILL_WAIT_MS;
    let shared = false;
    for (let pause = FIRST_POLL_MS; ; pause = Math.min(pause * 2, MAX_POLL_MS)) {
      const locked = await this.store.tryLock(plan.key, token, FILL_LOCK_MS).catch(() => undefined);
      // Redis failed under us: answer from the database, nothing to coordinate with.
      if (locked === undefined) return this.load(plan, 'bypass');
      if (locked) {
        try {
          const cached = await plan.readCache().catch(() => null);
          if (cached !== null) return { value: cached, source: 'cache' };
          return await this.load(plan, 'fill');
        } finally {
          await this.store.unlock(plan.key, token);
        }
      }
      if (!shared) {
        shared = true;
        this.metrics.sharedFills.inc({ scope: 'replicas' });
        this.hooks.onShare?.(plan.key);
      }
      if (Date.now() >= deadline) return this.load(plan, 'fallback');
      await sleep(pause);
      const cached = await plan.readCache().catch(() => null);
      if (cached !== null) return { value: cached, source: 'cache' };
    }
  }

  private async load<Loaded, Value>(plan: FillPlan<Loaded, Value>, reason: 'fill' | 'bypass' | 'fallback'): Promise<Filled<Value>> {
    this.metrics.databaseReads.inc({ kind: plan.kind, reason });
    const loaded = await plan.load();
    await this.hooks.afterLoad?.(plan.key);
    if (reason !== 'bypass') await plan.store(loaded);
    return { value: plan.present(loaded), source: 'database' };
  }
}

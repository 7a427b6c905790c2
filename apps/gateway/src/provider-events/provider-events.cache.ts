import { LRUCache } from 'lru-cache';
import type { ProviderEventHit, ProviderEventView } from '@app/contracts';
import { EventRange } from './event-range.util';

const DAY_MS = 86_400_000;
// Bucket edges outside these years are left open: the superset is then "from the start" or "to the end".
const EARLIEST_EDGE = Date.UTC(1000, 0, 1);
const LATEST_EDGE = Date.UTC(9999, 11, 31);
// A rough per-entry and per-event overhead (objects, array slots, the key) on top of the events' JSON.
const ENTRY_OVERHEAD_BYTES = 256;
const EVENT_OVERHEAD_BYTES = 64;

// The range widened outward to whole UTC days: what core is asked for and what the cache is keyed by, so any
// number of distinct requested ranges maps onto few keys, each holding a superset filtered per request.
export interface SearchBucket {
  key: string;
  startsAt?: string; // ISO instants sent to core
  endsAt?: string;
}

interface CachedEvent {
  startsAt: number;
  endsAt: number;
  json: string; // the event as the contract writes it, serialised once
}

export interface CachedSearch {
  events: CachedEvent[]; // by start, then id (core's order)
  truncated: boolean;
  bytes: number;
}

export interface ProviderEventsCacheOptions {
  maxEntries: number;
  maxBytes: number;
  ttlMs: number;
  clock?: { now(): number };
}

export function bucketOf(range: EventRange): SearchBucket {
  const from = range.startsAt === undefined ? undefined : Math.floor(range.startsAt / DAY_MS) * DAY_MS;
  const to = range.endsAt === undefined ? undefined : Math.ceil(range.endsAt / DAY_MS) * DAY_MS;
  const lower = from !== undefined && from >= EARLIEST_EDGE ? from : undefined;
  const upper = to !== undefined && to <= LATEST_EDGE ? to : undefined;
  return {
    key: `${lower === undefined ? '*' : lower / DAY_MS}:${upper === undefined ? '*' : upper / DAY_MS}`,
    ...(lower === undefined ? {} : { startsAt: new Date(lower).toISOString() }),
    ...(upper === undefined ? {} : { endsAt: new Date(upper).toISOString() }),
  };
}

// The contract's event, and nothing else (a hit also carries its instants).
function viewOf(hit: ProviderEventHit): ProviderEventView {
  return {
    id: hit.id,
    title: hit.title,
    start_date: hit.start_date,
    start_time: hit.start_time,
    end_date: hit.end_date,
    end_time: hit.end_time,
    min_price: hit.min_price,
    max_price: hit.max_price,
  };
}

export function toCachedSearch(hits: ProviderEventHit[], truncated: boolean): CachedSearch {
  let bytes = ENTRY_OVERHEAD_BYTES;
  const events = hits.map((hit) => {
    const json = JSON.stringify(viewOf(hit));
    bytes += json.length + EVENT_OVERHEAD_BYTES;
    return { startsAt: Date.parse(hit.starts_at), endsAt: Date.parse(hit.ends_at), json };
  });
  return { events, truncated, bytes };
}

// The events of a superset contained in the exact range, as the JSON of the contract's body. Events are sorted by
// start: a binary search finds the first at or after starts_at, and the scan stops at the first starting after
// ends_at (it cannot end by then).
export function selectEvents(search: CachedSearch, range: EventRange): string[] {
  const { events } = search;
  let low = 0;
  let high = events.length;
  if (range.startsAt !== undefined) {
    while (low < high) {
      const middle = (low + high) >>> 1;
      if (events[middle].startsAt < range.startsAt) low = middle + 1;
      else high = middle;
    }
  }
  const selected: string[] = [];
  const endsAt = range.endsAt ?? Number.POSITIVE_INFINITY;
  for (let i = low; i < events.length && events[i].startsAt <= endsAt; i++) {
    if (events[i].endsAt <= endsAt) selected.push(events[i].json);
  }
  return selected;
}

// The body of one answer: the contract's envelope around the selected events, as the bytes sent.
export function renderBody(search: CachedSearch, range: EventRange): Buffer {
  return Buffer.from(`{"data":{"events":[${selectEvents(search, range).join(',')}]},"error":null}`);
}

// The gateway's in-process cache of provider searches: supersets keyed by catalog version and UTC-day bucket,
// plus the rendered bodies of the exact ranges asked most (so a repeated request is not filtered, joined and
// encoded again). Both are bounded by entries, total size and a TTL. A new catalog version makes every older entry
// unreachable; they are dropped the first time the new version is looked up.
export class ProviderEventsCache {
  private readonly lru: LRUCache<string, CachedSearch>;
  private readonly bodies: LRUCache<string, Buffer>;
  private version?: string;

  constructor(options: ProviderEventsCacheOptions) {
    const common = { ttl: options.ttlMs, ...(options.clock ? { perf: options.clock } : {}) };
    this.lru = new LRUCache<string, CachedSearch>({ ...common, max: options.maxEntries, maxSize: options.maxBytes, sizeCalculation: (entry) => entry.bytes });
    // A quarter of the budget for rendered bodies, on top of the supersets.
    this.bodies = new LRUCache<string, Buffer>({
      ...common,
      max: options.maxEntries,
      maxSize: Math.max(1, Math.floor(options.maxBytes / 4)),
      sizeCalculation: (body) => body.length + ENTRY_OVERHEAD_BYTES,
    });
  }

  get size(): number {
    return this.lru.size;
  }

  get bytes(): number {
    return this.lru.calculatedSize + this.bodies.calculatedSize;
  }

  get(version: string, bucket: SearchBucket): CachedSearch | undefined {
    if (version !== this.version) this.forgetOtherVersions(version);
    return this.lru.get(`${version}|${bucket.key}`);
  }

  // Stores what core answered under the version it answered with (an entry too large for the cache is not kept).
  set(version: string, bucket: SearchBucket, search: CachedSearch): void {
    this.lru.set(`${version}|${bucket.key}`, search);
  }

  // The body for exactly this range of the version's superset: rendered once, then reused while it stays cached.
  body(version: string, search: CachedSearch, range: EventRange): Buffer {
    const key = `${version}|${range.startsAt ?? '*'}|${range.endsAt ?? '*'}`;
    let body = this.bodies.get(key);
    if (!body) {
      body = renderBody(search, range);
      this.bodies.set(key, body);
    }
    return body;
  }

  private forgetOtherVersions(version: string): void {
    this.version = version;
    const prefix = `${version}|`;
    for (const cache of [this.lru, this.bodies] as Array<LRUCache<string, object>>) {
      for (const key of [...cache.keys()]) if (!key.startsWith(prefix)) cache.delete(key);
    }
  }
}

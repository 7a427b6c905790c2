import { Readable } from 'node:stream';
import { EntityManager } from 'typeorm';

// The seam between fetching a feed (provider-sync/fetch, the sync service) and applying it to the catalog
// (provider-sync/feed): the sync service hands over the body of a changed 200 inside the transaction that
// will also record the run, and the processor parses, validates and upserts it in batches.
export interface FeedSnapshot {
  body: Readable; // the raw XML bytes, streamed
  snapshotAt: Date; // when the provider produced it (Last-Modified) or else when the fetch started
  previousPlanCount: number; // valid plans in the last applied snapshot, for the shrink check
  manager: EntityManager; // the caller's transaction: a thrown error rolls every batch back
}

export interface ProcessOutcome {
  plans: number; // valid plans in this snapshot
  new: number;
  changed: number;
  unchanged: number; // includes plans an already-applied newer snapshot holds (monotonic upserts)
  invalid: number;
  invalidReasons: Record<string, number>; // reason -> count, e.g. "plan_start_date: not a calendar date"
}

// Thrown when the body is not a well-formed planList feed (malformed or truncated XML, no <output>).
export class MalformedFeedError extends Error {
  override readonly name = 'MalformedFeedError';
}

// Thrown when a 200 holds an empty or sharply shrunken <output>: the snapshot must change nothing.
export class SuspiciousSnapshotError extends Error {
  override readonly name = 'SuspiciousSnapshotError';
  constructor(
    message: string,
    readonly plans: number,
    readonly previousPlanCount: number,
  ) {
    super(message);
  }
}

export abstract class FeedProcessor {
  abstract process(snapshot: FeedSnapshot): Promise<ProcessOutcome>;
}

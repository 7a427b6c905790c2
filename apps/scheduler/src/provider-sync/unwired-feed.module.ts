import { Module } from '@nestjs/common';
import { FeedProcessor, FeedSnapshot, ProcessOutcome } from './feed-processor.port';

// TEMPORARY, until the lead wires provider-sync/feed/feed.module.ts (the parser and catalog upserts) into
// SchedulerModule in its place: every changed feed fails its sync with this error.
class UnwiredFeedProcessor extends FeedProcessor {
  process(snapshot: FeedSnapshot): Promise<ProcessOutcome> {
    snapshot.body.resume();
    return Promise.reject(new Error('feed processor not wired'));
  }
}

@Module({ providers: [{ provide: FeedProcessor, useClass: UnwiredFeedProcessor }], exports: [FeedProcessor] })
export class TemporaryUnwiredFeedModule {}

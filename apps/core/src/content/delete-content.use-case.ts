import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { Actor, CONTENT_EVENTS, ContentDeletedEventData } from '@app/contracts';
import { auditEvent, AuditRepository, ContentItemsRepository, OutboxRepository } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { ContentCacheStore } from './content-cache.store';
import { assertWritable } from './content-write.support';

// The row and its content.deleted event commit together; then a tombstone replaces the cached item (so a fill that
// read the row before the delete cannot bring it back) and every cached page is retired.
@Injectable()
export class DeleteContentUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contents: ContentItemsRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly cache: ContentCacheStore,
  ) {}

  async execute(actor: Actor, id: string): Promise<void> {
    const version = await this.dataSource.transaction(async (tx) => {
      const found = await this.contents.lockWithAuthor(tx, id);
      assertWritable(found, actor);
      await this.contents.remove(tx, id);
      const data: ContentDeletedEventData = { id };
      await this.outbox.add(tx, domainEvent('content', id, CONTENT_EVENTS.deleted, data));
      await this.audit.record(tx, [auditEvent('content.deleted', actor, { type: 'content', id })]);
      return found.item.version;
    });
    await this.cache.itemDeleted(id, version);
  }
}

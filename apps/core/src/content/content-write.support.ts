import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, CONTENT_EVENTS, ContentReply } from '@app/contracts';
import { auditEvent, AuditRepository, ContentItemEntity, ContentItemsRepository, ContentWithAuthor, OutboxRepository } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { ContentCacheStore } from './content-cache.store';
import { toChangedEvent, toContentReply } from './content.mapper';
import { contentNotFound } from './content-query.service';

export function assertMayWrite(actor: Actor): void {
  if (actor.role !== 'user' && actor.role !== 'admin') throw new DomainError('FORBIDDEN', 'The readonly role may only read');
}

// May `actor` change `found`? 404 first (a missing item), then 403 (neither its author nor an admin).
export function assertWritable(found: ContentWithAuthor | null, actor: Actor): asserts found is ContentWithAuthor {
  assertMayWrite(actor);
  if (!found) throw contentNotFound();
  if (actor.role !== 'admin' && found.item.authorId !== actor.id) throw new DomainError('FORBIDDEN', 'Only the author or an admin may change this content');
}

// What PUT and PATCH share: lock the row, check who may change it, apply the change with the next version, write
// content.updated to the outbox in the same transaction; after the commit, write the new version through the cache
// and retire every cached page before answering, so the next read sees the change.
@Injectable()
export class ContentWriteSupport {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contents: ContentItemsRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly cache: ContentCacheStore,
  ) {}

  async update(actor: Actor, id: string, change: (item: ContentItemEntity) => void): Promise<ContentReply> {
    const updated = await this.dataSource.transaction(async (tx) => {
      const found = await this.contents.lockWithAuthor(tx, id);
      assertWritable(found, actor);
      change(found.item);
      found.item.version += 1;
      found.item.updatedAt = new Date();
      await this.contents.update(tx, found.item);
      await this.outbox.add(tx, domainEvent('content', id, CONTENT_EVENTS.updated, toChangedEvent(found.item)));
      await this.audit.record(tx, [auditEvent('content.updated', actor, { type: 'content', id }, { version: found.item.version })]);
      return found;
    });
    await this.cache.itemWritten(updated.item, updated.author);
    return toContentReply(updated);
  }
}

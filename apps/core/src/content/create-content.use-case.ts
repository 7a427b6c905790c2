import { Injectable } from '@nestjs/common';
import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, CONTENT_EVENTS, ContentFields, ContentReply } from '@app/contracts';
import { auditEvent, AuditRepository, ContentItemEntity, ContentItemsRepository, OutboxRepository } from '@app/persistence';
import { domainEvent } from '../messaging/event.factory';
import { ContentCacheStore } from './content-cache.store';
import { toChangedEvent, toContentReply } from './content.mapper';
import { assertMayWrite } from './content-write.support';

// The author is the caller. The row and its content.created event commit together; then the item is written
// through the cache and every cached page retired.
@Injectable()
export class CreateContentUseCase {
  constructor(
    private readonly dataSource: DataSource,
    private readonly contents: ContentItemsRepository,
    private readonly outbox: OutboxRepository,
    private readonly audit: AuditRepository,
    private readonly cache: ContentCacheStore,
  ) {}

  async execute(actor: Actor, fields: ContentFields): Promise<ContentReply> {
    assertMayWrite(actor);
    const now = new Date();
    const item: ContentItemEntity = {
      id: randomUUID(),
      authorId: actor.id,
      title: fields.title,
      content: fields.content,
      image: fields.image ?? null,
      version: 1,
      createdAt: now,
      updatedAt: now,
    };
    const author = await this.dataSource.transaction(async (tx) => {
      const found = await this.contents.findAuthor(tx, actor.id);
      if (!found) throw new DomainError('INVALID_TOKEN', 'The user of this token no longer exists');
      await this.contents.insert(tx, item);
      await this.outbox.add(tx, domainEvent('content', item.id, CONTENT_EVENTS.created, toChangedEvent(item)));
      await this.audit.record(tx, [auditEvent('content.created', actor, { type: 'content', id: item.id })]);
      return found;
    });
    await this.cache.itemWritten(item, author);
    return toContentReply({ item, author });
  }
}

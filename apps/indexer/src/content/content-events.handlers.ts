import { Controller, Inject } from '@nestjs/common';
import { EventPattern, Payload } from '@nestjs/microservices';
import { Type } from 'class-transformer';
import { IsISO8601, IsOptional, IsString, IsUUID, ValidateNested } from 'class-validator';
import { CONTENT_EVENTS, ContentChangedEventData, ContentDeletedEventData, DomainEventEnvelope } from '@app/contracts';
import { CONTENT_INDEX_WRITER, ContentIndexWriter } from '@app/search';
import { IndexLagRecorder } from '../events/index-lag.recorder';

class ContentChangedDataDto implements ContentChangedEventData {
  @IsUUID() id: string;
  @IsUUID() author_id: string;
  @IsString() title: string;
  @IsString() content: string;
  @IsOptional() @IsString() image: string | null;
  @IsISO8601({ strict: true }) created_at: string;
  @IsISO8601({ strict: true }) updated_at: string;
}

class ContentChangedEventDto extends DomainEventEnvelope<ContentChangedDataDto> {
  @ValidateNested() @Type(() => ContentChangedDataDto) declare data: ContentChangedDataDto;
}

class ContentDeletedDataDto implements ContentDeletedEventData {
  @IsUUID() id: string;
}

class ContentDeletedEventDto extends DomainEventEnvelope<ContentDeletedDataDto> {
  @ValidateNested() @Type(() => ContentDeletedDataDto) declare data: ContentDeletedDataDto;
}

// Keeps the content index in step with the outbox's content events. Writes carry updated_at as their version and
// a delete outranks every write, so a redelivered or out-of-order event never makes the index older than it is.
@Controller()
export class ContentEventsHandlers {
  constructor(
    @Inject(CONTENT_INDEX_WRITER) private readonly index: ContentIndexWriter,
    private readonly lag: IndexLagRecorder,
  ) {}

  @EventPattern([CONTENT_EVENTS.created, CONTENT_EVENTS.updated])
  async upsert(@Payload() event: ContentChangedEventDto): Promise<void> {
    await this.index.upsert(event.data);
    this.lag.record(event.event_type, event.timestamp);
  }

  @EventPattern(CONTENT_EVENTS.deleted)
  async remove(@Payload() event: ContentDeletedEventDto): Promise<void> {
    await this.index.remove(event.data.id);
    this.lag.record(event.event_type, event.timestamp);
  }
}

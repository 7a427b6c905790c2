import { Controller } from '@nestjs/common';
import { MessagePattern, Payload } from '@nestjs/microservices';
import {
  CONTENT_PATTERNS,
  ContentIdPayload,
  CreateContentPayload,
  ListContentPayload,
  PatchContentPayload,
  RemoveContentPayload,
  ReplaceContentPayload,
} from '@app/contracts';
import { ContentQueryService } from './content-query.service';
import { CreateContentUseCase } from './create-content.use-case';
import { DeleteContentUseCase } from './delete-content.use-case';
import { PatchContentUseCase } from './patch-content.use-case';
import { ReplaceContentUseCase } from './replace-content.use-case';

// RPC entry points for content: thin, each delegates to one use case.
@Controller()
export class ContentHandlers {
  constructor(
    private readonly createContent: CreateContentUseCase,
    private readonly replaceContent: ReplaceContentUseCase,
    private readonly patchContent: PatchContentUseCase,
    private readonly deleteContent: DeleteContentUseCase,
    private readonly queries: ContentQueryService,
  ) {}

  @MessagePattern(CONTENT_PATTERNS.create)
  create(@Payload() payload: CreateContentPayload) {
    return this.createContent.execute(payload.actor, payload.fields);
  }

  @MessagePattern(CONTENT_PATTERNS.get)
  get(@Payload() payload: ContentIdPayload) {
    return this.queries.get(payload.id);
  }

  @MessagePattern(CONTENT_PATTERNS.list)
  list(@Payload() payload: ListContentPayload) {
    return this.queries.list(payload);
  }

  @MessagePattern(CONTENT_PATTERNS.replace)
  replace(@Payload() payload: ReplaceContentPayload) {
    return this.replaceContent.execute(payload.actor, payload.id, payload.fields);
  }

  @MessagePattern(CONTENT_PATTERNS.patch)
  patch(@Payload() payload: PatchContentPayload) {
    return this.patchContent.execute(payload.actor, payload.id, payload.fields);
  }

  @MessagePattern(CONTENT_PATTERNS.remove)
  async remove(@Payload() payload: RemoveContentPayload) {
    await this.deleteContent.execute(payload.actor, payload.id);
    return { ok: true };
  }
}

import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { Actor, ContentPatchFields, ContentReply } from '@app/contracts';
import { ContentWriteSupport } from './content-write.support';

// PATCH: only the fields given change (merge-patch semantics: image null removes the image).
@Injectable()
export class PatchContentUseCase {
  constructor(private readonly support: ContentWriteSupport) {}

  execute(actor: Actor, id: string, fields: ContentPatchFields): Promise<ContentReply> {
    if (fields.title === undefined && fields.content === undefined && fields.image === undefined) {
      throw new DomainError('VALIDATION_ERROR', 'The patch changes nothing', { errors: [{ field: 'body', problems: ['must set title, content or image'] }] });
    }
    return this.support.update(actor, id, (item) => {
      if (fields.title !== undefined) item.title = fields.title;
      if (fields.content !== undefined) item.content = fields.content;
      if (fields.image !== undefined) item.image = fields.image;
    });
  }
}

import { Injectable } from '@nestjs/common';
import { Actor, ContentFields, ContentReply } from '@app/contracts';
import { ContentWriteSupport } from './content-write.support';

// PUT: title and content replaced, the image too (absent means none).
@Injectable()
export class ReplaceContentUseCase {
  constructor(private readonly support: ContentWriteSupport) {}

  execute(actor: Actor, id: string, fields: ContentFields): Promise<ContentReply> {
    return this.support.update(actor, id, (item) => {
      item.title = fields.title;
      item.content = fields.content;
      item.image = fields.image ?? null;
    });
  }
}

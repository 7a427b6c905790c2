import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { ContentItemEntity } from '../entities/content-item.entity';

@Injectable()
export class ContentItemsRepository {
  constructor(private readonly dataSource: DataSource) {}

  listByAuthorNewestFirst(authorId: string, limit = 100): Promise<ContentItemEntity[]> {
    return this.dataSource.getRepository(ContentItemEntity).find({
      where: { authorId },
      order: { createdAt: 'DESC', id: 'DESC' },
      take: limit,
    });
  }
}

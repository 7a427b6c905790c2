import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { DomainError } from '@app/common';
import { Actor, ListUsersPayload, Page, pageMeta, Principal, UserView, UserWithContentsView } from '@app/contracts';
import { ContentItemsRepository, UsersRepository } from '@app/persistence';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { assertAdminOrSelf } from './update-user.use-case';
import { toContentSummary, toPrincipal, toUserView } from './user.mapper';

@Injectable()
export class UsersQueryService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly users: UsersRepository,
    private readonly contents: ContentItemsRepository,
    private readonly cache: PrincipalCacheWriter,
  ) {}

  // The gateway's cache-miss path: reads the truth and refills the cache (deleted users become tombstones). The row
  // is read FOR SHARE and held until the fill's cache write is done, so a fill either lands before a change's fence
  // (which waits for the lock) or reads the change after its commit: a fill never puts an older principal back.
  async principal(userId: string): Promise<Principal> {
    return this.dataSource.transaction(async (tx) => {
      const user = await this.users.findAnyByIdForShare(tx, userId);
      if (!user) throw new DomainError('NOT_FOUND', 'User not found');
      const principal = toPrincipal(user);
      await this.cache.publish(principal);
      return principal;
    });
  }

  async get(actor: Actor, id: string): Promise<UserWithContentsView> {
    assertAdminOrSelf(actor, id);
    const user = await this.users.findLiveById(id);
    if (!user) throw new DomainError('NOT_FOUND', 'User not found');
    const contents = await this.contents.listByAuthorNewestFirst(id);
    return { ...toUserView(user), contents: contents.map(toContentSummary) };
  }

  async list(query: ListUsersPayload): Promise<Page<UserView>> {
    const { items, total } = await this.users.listLive({
      page: query.page,
      pageSize: query.page_size,
      sortBy: query.sort_by,
      order: query.order,
    });
    return { data: items.map(toUserView), meta: pageMeta(query.page, query.page_size, total) };
  }
}

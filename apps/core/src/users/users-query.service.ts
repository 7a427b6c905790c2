import { Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { Actor, ListUsersPayload, Page, pageMeta, Principal, UserView, UserWithContentsView } from '@app/contracts';
import { ContentItemsRepository, UsersRepository } from '@app/persistence';
import { PrincipalCacheWriter } from '../cache/principal-cache.writer';
import { assertAdminOrSelf } from './update-user.use-case';
import { toContentSummary, toPrincipal, toUserView } from './user.mapper';

@Injectable()
export class UsersQueryService {
  constructor(
    private readonly users: UsersRepository,
    private readonly contents: ContentItemsRepository,
    private readonly cache: PrincipalCacheWriter,
  ) {}

  // The gateway's cache-miss path: reads the truth and refills the cache (deleted users become tombstones).
  async principal(userId: string): Promise<Principal> {
    const user = await this.users.findAnyById(userId);
    if (!user) throw new DomainError('NOT_FOUND', 'User not found');
    const principal = toPrincipal(user);
    await this.cache.publish(principal);
    return principal;
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

import { ContentSummaryView, Principal, UserView } from '@app/contracts';
import { ContentItemEntity, UserEntity } from '@app/persistence';

export function toUserView(user: UserEntity): UserView {
  return {
    id: user.id,
    name: user.name,
    email: user.email,
    phone_number: user.phoneNumber,
    country: user.country,
    state: user.state,
    role: user.role,
    created_at: user.createdAt.toISOString(),
    updated_at: user.updatedAt.toISOString(),
  };
}

export function toPrincipal(user: UserEntity): Principal {
  return {
    user: toUserView(user),
    version: user.version,
    deleted: user.deletedAt !== null,
    token_version: user.tokenVersion ?? 0,
    kept_session: user.keptSession ?? null,
  };
}

export function toContentSummary(item: ContentItemEntity): ContentSummaryView {
  return {
    id: item.id,
    title: item.title,
    content: item.content,
    image: item.image,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

import { ContentChangedEventData, contentEtag, ContentReply, ContentView } from '@app/contracts';
import { ContentItemEntity, ContentWithAuthor } from '@app/persistence';

export function toContentView({ item, author }: ContentWithAuthor): ContentView {
  return {
    id: item.id,
    title: item.title,
    content: item.content,
    image: item.image,
    author: { id: author.id, name: author.name },
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

// The item's JSON split around its author's name, as the item cache keeps it: head + JSON name + tail is the body.
export interface ItemJsonParts {
  head: string;
  tail: string;
}

export function itemJsonParts(item: ContentItemEntity): ItemJsonParts {
  const json = JSON.stringify;
  return {
    head: `{"id":${json(item.id)},"title":${json(item.title)},"content":${json(item.content)},"image":${json(item.image)},"author":{"id":${json(item.authorId)},"name":`,
    tail: `},"created_at":${json(item.createdAt.toISOString())},"updated_at":${json(item.updatedAt.toISOString())}}`,
  };
}

// The answer for one item, byte for byte what a cache hit of the same versions answers.
export function toContentReply(found: ContentWithAuthor): ContentReply {
  const { head, tail } = itemJsonParts(found.item);
  return { body: `${head}${JSON.stringify(found.author.name)}${tail}`, etag: contentEtag(found.item.version, found.author.version) };
}

export function toChangedEvent(item: ContentItemEntity): ContentChangedEventData {
  return {
    id: item.id,
    author_id: item.authorId,
    title: item.title,
    content: item.content,
    image: item.image,
    created_at: item.createdAt.toISOString(),
    updated_at: item.updatedAt.toISOString(),
  };
}

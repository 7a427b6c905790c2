import { IndexableContent } from '../content-search.port';

// As the Postgres search_vector: only this much of the content is searchable.
export const SEARCHABLE_CONTENT_CHARS = 100_000;

// Content ids are never reused, so a delete may outrank every write that can come after it: this version
// makes the delete's tombstone refuse a late create or update (within the cluster's index.gc_deletes, 60 s by
// default; a rebuild removes anything older that slipped through).
export const DELETED_VERSION = Number.MAX_SAFE_INTEGER;

export interface ContentDocument {
  id: string;
  author_id: string;
  title: string;
  content: string;
  image: string | null;
  created_at: string;
  updated_at: string;
  search_text: string;
}

// The first `limit` characters (code points, as Postgres' left() counts them).
export function searchablePart(text: string, limit = SEARCHABLE_CONTENT_CHARS): string {
  if (text.length <= limit) return text;
  let end = 0;
  for (let count = 0; count < limit && end < text.length; count += 1) end += text.codePointAt(end)! > 0xffff ? 2 : 1;
  return text.slice(0, end);
}

export function toContentDocument(item: IndexableContent): ContentDocument {
  const content = searchablePart(item.content);
  return {
    id: item.id,
    author_id: item.author_id,
    title: item.title,
    content,
    image: item.image,
    created_at: item.created_at,
    updated_at: item.updated_at,
    // A line break keeps the last title word and the first content word adjacent, as in the tsvector.
    search_text: `${item.title}\n${content}`,
  };
}

// The external version of a write: updated_at in epoch milliseconds, so a write older than the document's is
// refused. Equal versions are accepted (external_gte): a redelivered event rewrites the same state.
export function contentVersion(item: IndexableContent): number {
  const version = Date.parse(item.updated_at);
  if (!Number.isFinite(version) || version < 0) throw new Error(`content ${item.id} has no usable updated_at: ${item.updated_at}`);
  return version;
}

import { createHash } from 'node:crypto';

// One response body the simulator can serve, with its strong ETag.
export interface FeedBody {
  label: string; // the fixture's name, or "generated v<version>"; sent as X-Provider-Sim-Feed
  bytes: Buffer;
  etag: string;
}

// A body as served: Last-Modified is when this body became the current one.
export interface ServedFeed extends FeedBody {
  lastModified: Date;
}

export function contentEtag(bytes: Buffer): string {
  return `"${createHash('sha1').update(bytes).digest('base64url')}"`;
}

export function feedBody(label: string, bytes: Buffer): FeedBody {
  return { label, bytes, etag: contentEtag(bytes) };
}

import type { IncomingHttpHeaders } from 'node:http';
import { ServedFeed } from './feed-body.util';

export const VALIDATOR_SETTINGS = ['etag', 'last-modified', 'both', 'none'] as const;
export type ValidatorSetting = (typeof VALIDATOR_SETTINGS)[number];

const sendsEtag = (setting: ValidatorSetting) => setting === 'etag' || setting === 'both';
const sendsLastModified = (setting: ValidatorSetting) => setting === 'last-modified' || setting === 'both';

export function validatorHeaders(served: ServedFeed, setting: ValidatorSetting): Record<string, string> {
  return {
    ...(sendsEtag(setting) ? { ETag: served.etag } : {}),
    ...(sendsLastModified(setting) ? { 'Last-Modified': served.lastModified.toUTCString() } : {}),
  };
}

function etagMatches(header: string, etag: string): boolean {
  const opaque = (tag: string) => tag.trim().replace(/^W\//, '');
  return header.split(',').some((candidate) => candidate.trim() === '*' || opaque(candidate) === opaque(etag));
}

// RFC 9110 13.1: If-None-Match wins over If-Modified-Since; a validator the simulator does not send is ignored,
// as a server without it would. HTTP dates have whole seconds, so Last-Modified compares on seconds.
export function isNotModified(headers: IncomingHttpHeaders, served: ServedFeed, setting: ValidatorSetting): boolean {
  const ifNoneMatch = headers['if-none-match'];
  if (ifNoneMatch !== undefined && sendsEtag(setting)) return etagMatches(ifNoneMatch, served.etag);
  const ifModifiedSince = headers['if-modified-since'];
  if (ifModifiedSince === undefined || !sendsLastModified(setting)) return false;
  const since = Date.parse(ifModifiedSince);
  return !Number.isNaN(since) && Math.floor(served.lastModified.getTime() / 1000) * 1000 <= since;
}

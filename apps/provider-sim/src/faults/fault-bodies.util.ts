import { FEED_HEAD, FEED_TAIL } from '../feed/feed-generator.util';

// A well-formed feed with nothing in <output> (a provider glitch the sync must not apply).
export const EMPTY_FEED = Buffer.from(FEED_HEAD + FEED_TAIL, 'utf8');

const BROKEN_ELEMENT = '<plan plan_id=unquoted <<broken>';

// The body with a broken element after the plan nearest its middle: a streaming parser gets some way in
// before it fails, as with a real provider bug.
export function malformedCopy(bytes: Buffer): Buffer {
  const text = bytes.toString('utf8');
  const middle = Math.floor(text.length / 2);
  let at = text.indexOf('</plan>', middle);
  if (at === -1) at = text.lastIndexOf('</plan>', middle);
  const cut = at === -1 ? middle : at + '</plan>'.length;
  return Buffer.from(text.slice(0, cut) + BROKEN_ELEMENT + text.slice(cut), 'utf8');
}

// How much of a body a truncated or stalled response sends before it stops.
export function firstHalf(bytes: Buffer): Buffer {
  return bytes.subarray(0, Math.floor(bytes.length / 2));
}

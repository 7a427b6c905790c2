import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseFeed } from '../../../../test/support/feed-xml';
import { generateFeed } from '../feed/feed-generator.util';
import { EMPTY_FEED, firstHalf, malformedCopy } from './fault-bodies.util';

const sample = readFileSync(join(__dirname, '..', 'fixtures', 'feed-1.xml'));

describe('fault bodies', () => {
  it('should make a copy that is not well-formed XML when malformed', () => {
    expect(() => parseFeed(sample)).not.toThrow();
    expect(() => parseFeed(malformedCopy(sample))).toThrow();
  });

  it('should break a large feed in its middle, after some whole plans, when malformed', () => {
    const feed = Buffer.from(generateFeed({ plans: 200 }));
    const broken = malformedCopy(feed).toString('utf8');
    const breakAt = broken.indexOf('unquoted');
    expect(breakAt).toBeGreaterThan(feed.length * 0.4);
    expect(broken.slice(0, breakAt).match(/<\/plan>/g)!.length).toBeGreaterThan(50);
  });

  it('should be a well-formed feed with an empty output when empty', () => {
    expect(parseFeed(EMPTY_FEED)).toEqual({ hasOutput: true, basePlans: [], plans: 0 });
  });

  it('should cut a body to a prefix that does not parse when truncated', () => {
    const half = firstHalf(sample);
    expect(half.length).toBe(Math.floor(sample.length / 2));
    expect(sample.subarray(0, half.length).equals(half)).toBe(true);
    expect(() => parseFeed(half)).toThrow();
  });
});

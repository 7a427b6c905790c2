import { DomainError } from '@app/common';
import { ProviderSimConfig } from '../config/provider-sim.config';
import { feedBody } from './feed-body.util';
import { FeedSetting } from './feed-setting.dto';
import { FeedSource } from './feed-source.service';

const fixtures = ['feed-1', 'feed-2', 'feed-3'].map((name) => feedBody(name, Buffer.from(`<planList><!-- ${name} --></planList>`)));

function sourceWith(feed: FeedSetting, now = () => Date.parse('2026-03-01T10:00:00.400Z')): FeedSource {
  return new FeedSource({ feed } as ProviderSimConfig, fixtures, now);
}

const labels = (source: FeedSource, count: number) => Array.from({ length: count }, () => source.next().label);

describe('FeedSource', () => {
  it('should serve the fixtures in order and wrap round when rotating', () => {
    const sut = sourceWith({ mode: 'rotation', rotate_every: 1 });
    expect(labels(sut, 7)).toEqual(['feed-1', 'feed-2', 'feed-3', 'feed-1', 'feed-2', 'feed-3', 'feed-1']);
  });

  it('should serve each fixture rotate_every times before the next', () => {
    const sut = sourceWith({ mode: 'rotation', rotate_every: 2 });
    expect(labels(sut, 5)).toEqual(['feed-1', 'feed-1', 'feed-2', 'feed-2', 'feed-3']);
  });

  it('should not move the rotation on when a fault only peeks at the body', () => {
    const sut = sourceWith({ mode: 'rotation', rotate_every: 1 });
    expect([sut.peek().label, sut.peek().label, sut.next().label, sut.next().label]).toEqual(['feed-1', 'feed-1', 'feed-1', 'feed-2']);
  });

  it('should serve one fixture every time when pinned, and refuse a name that is not a fixture', () => {
    const sut = sourceWith({ mode: 'fixture', fixture: 'feed-2' });
    expect(labels(sut, 3)).toEqual(['feed-2', 'feed-2', 'feed-2']);
    expect(() => sut.configure({ mode: 'fixture', fixture: 'nope' })).toThrow(DomainError);
  });

  it('should start the configured feed again from its first body when reset', () => {
    const sut = sourceWith({ mode: 'rotation', rotate_every: 1 });
    sut.next();
    sut.configure({ mode: 'fixture', fixture: 'feed-3' });
    sut.reset();
    expect(sut.describe()).toEqual(expect.objectContaining({ mode: 'rotation', requests: 0, next: 'feed-1' }));
  });

  it('should give each new body a later Last-Modified, in whole seconds, and keep it while the body stays', () => {
    const sut = sourceWith({ mode: 'rotation', rotate_every: 2 });
    const stamps = Array.from({ length: 5 }, () => sut.next().lastModified.toISOString());
    expect(stamps).toEqual(['2026-03-01T10:00:00.000Z', '2026-03-01T10:00:00.000Z', '2026-03-01T10:00:01.000Z', '2026-03-01T10:00:01.000Z', '2026-03-01T10:00:02.000Z']);
  });

  it('should follow the clock once it is past the last Last-Modified', () => {
    let now = Date.parse('2026-03-01T10:00:00.000Z');
    const sut = sourceWith({ mode: 'rotation', rotate_every: 1 }, () => now);
    sut.next();
    now += 60_000;
    expect(sut.next().lastModified.toISOString()).toBe('2026-03-01T10:01:00.000Z');
  });

  it('should serve generated versions with their own ETags, and one body forever when nothing varies', () => {
    const varying = sourceWith({ mode: 'generated', plans: 20, seed: 1, vary_share: 0.5, rotate_every: 1 });
    const [first, second] = [varying.next(), varying.next()];
    expect([first.label, second.label]).toEqual(['generated v0', 'generated v1']);
    expect(first.etag).not.toBe(second.etag);
    const constant = sourceWith({ mode: 'generated', plans: 20, seed: 1, vary_share: 0, rotate_every: 1 });
    const [a, b] = [constant.next(), constant.next()];
    expect(b.etag).toBe(a.etag);
    expect(b.bytes).toBe(a.bytes);
    expect(b.lastModified).toEqual(a.lastModified);
  });
});

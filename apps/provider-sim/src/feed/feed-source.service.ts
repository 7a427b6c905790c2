import { Inject, Injectable } from '@nestjs/common';
import { DomainError } from '@app/common';
import { PROVIDER_SIM_CONFIG, ProviderSimConfig } from '../config/provider-sim.config';
import { FeedBody, ServedFeed } from './feed-body.util';
import { GeneratedFeed } from './feed-generator.util';
import { FeedSetting } from './feed-setting.dto';

export const FIXTURES = Symbol('FIXTURES');
export const SIM_CLOCK = Symbol('SIM_CLOCK');
export type SimClock = () => number;

export type FeedView = FeedSetting & { fixtures: string[]; requests: number; next: string };

// Which body each feed request gets. Only requests that are answered with the feed (200 or 304) move the
// rotation on: a faulted request leaves it where it was, so the retry gets what the failed attempt would have.
// Last-Modified is when a body became the current one, kept strictly increasing in whole seconds, so two
// different bodies never share a Last-Modified (it may run a few seconds ahead under fast requests).
@Injectable()
export class FeedSource {
  private setting: FeedSetting;
  private requests = 0;
  private generated?: GeneratedFeed;
  private current?: FeedBody;
  private stamp = 0;

  constructor(
    @Inject(PROVIDER_SIM_CONFIG) private readonly config: ProviderSimConfig,
    @Inject(FIXTURES) private readonly fixtures: FeedBody[],
    @Inject(SIM_CLOCK) private readonly now: SimClock,
  ) {
    this.configure(config.feed);
  }

  get fixtureNames(): string[] {
    return this.fixtures.map((fixture) => fixture.label);
  }

  configure(setting: FeedSetting): void {
    if (setting.mode === 'fixture' && !this.fixtureNames.includes(setting.fixture)) {
      throw new DomainError('VALIDATION_ERROR', `No fixture named "${setting.fixture}"`, { fixtures: this.fixtureNames });
    }
    if (setting.mode === 'rotation' && this.fixtures.length === 0) throw new DomainError('VALIDATION_ERROR', 'There are no fixture files to rotate');
    if (setting.mode === 'generated') {
      const options = { plans: setting.plans, seed: setting.seed, varyShare: setting.vary_share };
      const reusable = this.generated && JSON.stringify(this.generated.options) === JSON.stringify(options);
      if (!reusable) this.generated = new GeneratedFeed(options);
    }
    this.setting = setting;
    this.requests = 0;
  }

  // Back to the configured feed, from its first body.
  reset(): void {
    this.configure(this.config.feed);
  }

  // The body the next feed request gets, without using it up (faults that send a broken copy of it).
  peek(): ServedFeed {
    return this.stamped(this.bodyFor(this.requests));
  }

  next(): ServedFeed {
    const served = this.peek();
    this.requests += 1;
    return served;
  }

  describe(): FeedView {
    return { ...this.setting, fixtures: this.fixtureNames, requests: this.requests, next: this.labelFor(this.requests) };
  }

  private bodyFor(requests: number): FeedBody {
    const setting = this.setting;
    if (setting.mode === 'fixture') return this.fixtures.find((fixture) => fixture.label === setting.fixture)!;
    const step = Math.floor(requests / setting.rotate_every);
    if (setting.mode === 'rotation') return this.fixtures[step % this.fixtures.length];
    return { label: this.labelFor(requests), bytes: this.generated!.bodyAt(step), etag: this.generated!.etagAt(step) };
  }

  // Without rendering anything (a generated version is only built when a request needs it).
  private labelFor(requests: number): string {
    const setting = this.setting;
    if (setting.mode === 'fixture') return setting.fixture;
    const step = Math.floor(requests / setting.rotate_every);
    if (setting.mode === 'rotation') return this.fixtures[step % this.fixtures.length].label;
    return `generated v${this.generated!.effectiveVersion(step)}`;
  }

  private stamped(body: FeedBody): ServedFeed {
    if (this.current?.etag !== body.etag) {
      this.stamp = Math.max(Math.floor(this.now() / 1000) * 1000, this.stamp + 1000);
      this.current = body;
    }
    return { ...body, lastModified: new Date(this.stamp) };
  }
}

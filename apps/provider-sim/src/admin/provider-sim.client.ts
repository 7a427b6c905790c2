import type { FaultSpec, FaultView } from '../faults/fault.dto';
import type { FeedSettingInput } from '../feed/feed-setting.dto';
import type { FeedView } from '../feed/feed-source.service';
import type { FeedStatsView } from '../stats/feed-stats.service';

export type { FaultSpec, FaultView, FeedSettingInput, FeedStatsView, FeedView };

// The simulator's admin API for e2e specs and benches (plain fetch, nothing else).
export class ProviderSimClient {
  constructor(readonly baseUrl: string) {}

  get feedUrl(): string {
    return `${this.baseUrl}/feed`;
  }

  async setFault(fault: FaultSpec): Promise<FaultView> {
    return (await this.call<{ fault: FaultView }>('PUT', '/admin/faults', fault)).fault;
  }

  async fault(): Promise<FaultView | null> {
    return (await this.call<{ fault: FaultView | null }>('GET', '/admin/faults')).fault;
  }

  async clearFault(): Promise<void> {
    await this.call('DELETE', '/admin/faults');
  }

  setFeed(setting: FeedSettingInput): Promise<FeedView> {
    return this.call('PUT', '/admin/feed', setting);
  }

  feed(): Promise<FeedView> {
    return this.call('GET', '/admin/feed');
  }

  // The configured feed from its first body, the configured fault, zero counters.
  async reset(): Promise<void> {
    await this.call('POST', '/admin/reset');
  }

  stats(): Promise<FeedStatsView> {
    return this.call('GET', '/admin/stats');
  }

  private async call<T>(method: string, path: string, body?: unknown): Promise<T> {
    const response = await fetch(`${this.baseUrl}${path}`, {
      method,
      ...(body === undefined ? {} : { headers: { 'content-type': 'application/json' }, body: JSON.stringify(body) }),
    });
    const text = await response.text();
    if (!response.ok) throw new Error(`provider-sim ${method} ${path}: ${response.status} ${text}`);
    return (text ? JSON.parse(text) : undefined) as T;
  }
}

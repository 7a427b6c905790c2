// When the next scheduled sync comes: PROVIDER_SYNC_INTERVAL * (1 ± PROVIDER_SYNC_JITTER), uniformly, so replicas
// started together drift apart instead of racing for the lock on every tick.
export function nextSyncDelayMs(intervalMs: number, jitter: number, random: () => number = Math.random): number {
  return Math.round(intervalMs * (1 + jitter * (2 * random() - 1)));
}

// Share of the shortest gap to the next tick that fetching (attempts and waits) may use: the rest is left for
// applying the feed, so a sync is over before the next tick comes.
const FETCH_SHARE = 0.8;

export function fetchBudgetMs(intervalMs: number, jitter: number): number {
  return Math.floor(intervalMs * (1 - jitter) * FETCH_SHARE);
}

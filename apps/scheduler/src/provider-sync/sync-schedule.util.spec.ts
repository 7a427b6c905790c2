import { fetchBudgetMs, nextSyncDelayMs } from './sync-schedule.util';

describe('nextSyncDelayMs', () => {
  it.each([
    [0, 27_000],
    [0.5, 30_000],
    [0.999999, 33_000],
  ])('should stay within interval * (1 ± jitter) when random() is %d', (random, expected) => {
    expect(nextSyncDelayMs(30_000, 0.1, () => random)).toBe(expected);
  });

  it('should spread many draws over the whole window and never leave it', () => {
    const draws = Array.from({ length: 10_000 }, () => nextSyncDelayMs(30_000, 0.2));

    expect(Math.min(...draws)).toBeGreaterThanOrEqual(24_000);
    expect(Math.max(...draws)).toBeLessThanOrEqual(36_000);
    // both ends of the window are reached, not only the middle
    expect(Math.min(...draws)).toBeLessThan(24_500);
    expect(Math.max(...draws)).toBeGreaterThan(35_500);
  });

  it('should be the interval itself when the jitter is 0', () => {
    expect(nextSyncDelayMs(30_000, 0, () => 0.93)).toBe(30_000);
  });
});

describe('fetchBudgetMs', () => {
  it('should end before the earliest next tick, leaving time to apply the feed', () => {
    expect(fetchBudgetMs(30_000, 0.1)).toBe(21_600);
    expect(fetchBudgetMs(30_000, 0.1)).toBeLessThan(30_000 * (1 - 0.1));
  });
});

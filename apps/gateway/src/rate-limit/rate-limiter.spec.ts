import { decide } from './rate-limiter';

describe('decide', () => {
  const sut = decide;
  const NOW = 1_700_000_000_000;

  it('should report the requests left in the window when under the limit', () => {
    expect(sut(100, 1, 3_600_000, NOW)).toEqual(expect.objectContaining({ limit: 100, remaining: 99, allowed: true }));
  });

  it('should allow the request with none remaining when the count is exactly the limit', () => {
    expect(sut(100, 100, 1_000, NOW)).toEqual(expect.objectContaining({ remaining: 0, allowed: true }));
  });

  it('should deny the request and never report negative remaining when the count is above the limit', () => {
    expect(sut(100, 101, 1_000, NOW)).toEqual(expect.objectContaining({ remaining: 0, allowed: false }));
  });

  it('should round the reset time up to the next epoch second when the window ends mid-second', () => {
    expect(sut(10, 1, 1_500, NOW + 200).resetEpochSeconds).toBe(1_700_000_002);
  });

  it('should keep the reset time exact when the window ends on a whole second', () => {
    expect(sut(10, 1, 2_000, NOW).resetEpochSeconds).toBe(1_700_000_002);
  });

  it('should round retry-after up to whole seconds when time is left in the window', () => {
    expect(sut(10, 11, 1_001, NOW).retryAfterSeconds).toBe(2);
    expect(sut(10, 11, 3_600_000, NOW).retryAfterSeconds).toBe(3_600);
  });

  it('should report retry-after of at least 1 second when the window is about to end', () => {
    expect(sut(10, 11, 0, NOW).retryAfterSeconds).toBe(1);
    expect(sut(10, 11, 1, NOW).retryAfterSeconds).toBe(1);
  });
});

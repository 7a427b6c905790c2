import { afterFailure, LoginFailureState, LoginLockoutRules, lockoutRemainingMs } from './login-lockout.policy';

const MINUTE = 60_000;
const RULES: LoginLockoutRules = { maxFailures: 10, windowMs: 15 * MINUTE, lockoutBaseMs: MINUTE, lockoutMaxMs: 60 * MINUTE };

// A fake clock: the rules only ever see the time this test gives them.
class FakeClock {
  constructor(public nowMs = Date.UTC(2026, 0, 1)) {}
  advance(ms: number): void {
    this.nowMs += ms;
  }
}

function fail(state: LoginFailureState | null, clock: FakeClock, times: number): LoginFailureState | null {
  let current = state;
  for (let i = 0; i < times; i += 1) current = afterFailure(current, clock.nowMs, RULES);
  return current;
}

describe('login lock-out rules', () => {
  let clock: FakeClock;
  beforeEach(() => (clock = new FakeClock()));

  it('should not lock an account when it has 9 failures in the window', () => {
    expect(lockoutRemainingMs(fail(null, clock, 9), clock.nowMs, RULES)).toBe(0);
  });

  it('should lock for the base time when the 10th failure lands within the window', () => {
    const sut = fail(null, clock, 10);

    expect(lockoutRemainingMs(sut, clock.nowMs, RULES)).toBe(MINUTE);
  });

  it('should end the lock-out by itself when its time has passed', () => {
    const sut = fail(null, clock, 10);
    clock.advance(MINUTE - 1);
    expect(lockoutRemainingMs(sut, clock.nowMs, RULES)).toBe(1);
    clock.advance(1);
    expect(lockoutRemainingMs(sut, clock.nowMs, RULES)).toBe(0);
  });

  it('should start counting again when the window has passed before the limit', () => {
    let sut = fail(null, clock, 9);
    clock.advance(15 * MINUTE);
    sut = fail(sut, clock, 9);

    expect(lockoutRemainingMs(sut, clock.nowMs, RULES)).toBe(0);
    expect(sut!.failures).toBe(9);
  });

  it('should double each further lock-out up to the maximum when failures keep coming', () => {
    let sut: LoginFailureState | null = null;
    const lockouts: number[] = [];
    for (let round = 0; round < 9; round += 1) {
      sut = fail(sut, clock, 10);
      const remaining = lockoutRemainingMs(sut, clock.nowMs, RULES);
      lockouts.push(remaining / MINUTE);
      clock.advance(remaining);
    }

    expect(lockouts).toEqual([1, 2, 4, 8, 16, 32, 60, 60, 60]);
  });

  it('should forget the level when no failure came for the maximum lock-out after the last one ended', () => {
    let sut = fail(null, clock, 10);
    clock.advance(MINUTE);
    sut = fail(sut, clock, 10);
    clock.advance(2 * MINUTE + 15 * MINUTE + 60 * MINUTE);
    sut = fail(sut, clock, 10);

    expect(lockoutRemainingMs(sut, clock.nowMs, RULES)).toBe(MINUTE);
  });

  it('should keep the level when failures resume before it is forgotten', () => {
    let sut = fail(null, clock, 10);
    clock.advance(MINUTE + 30 * MINUTE);
    sut = fail(sut, clock, 10);

    expect(lockoutRemainingMs(sut, clock.nowMs, RULES)).toBe(2 * MINUTE);
  });
});

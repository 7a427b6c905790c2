// The per-account login rules, as pure functions of the stored state and the time (so a fake clock tests them):
// - at most maxFailures failed logins per account within windowMs (a fixed window from the first failure);
// - the failure that reaches the limit locks the account for lockoutBaseMs, doubled at each further lock-out
//   (exponential) up to lockoutMaxMs; while locked, every login is refused, the right password included;
// - a lock-out always ends; the level is forgotten after lockoutMaxMs without failures once the last lock-out or
//   window is over, or at once on a successful login or when an admin lifts it.
export interface LoginLockoutRules {
  maxFailures: number;
  windowMs: number;
  lockoutBaseMs: number;
  lockoutMaxMs: number;
}

export interface LoginFailureState {
  failures: number;
  windowStartMs: number;
  level: number;
  lockedUntilMs: number;
}

export const NO_FAILURES: LoginFailureState = { failures: 0, windowStartMs: 0, level: 0, lockedUntilMs: 0 };

export function lockoutMs(level: number, rules: LoginLockoutRules): number {
  return Math.min(rules.lockoutBaseMs * 2 ** Math.max(0, level - 1), rules.lockoutMaxMs);
}

// When the state may be forgotten: nothing in it matters any more after this instant.
export function forgetAtMs(state: LoginFailureState, rules: LoginLockoutRules): number {
  return Math.max(state.lockedUntilMs, state.windowStartMs + rules.windowMs) + rules.lockoutMaxMs;
}

export function currentState(state: LoginFailureState | null, nowMs: number, rules: LoginLockoutRules): LoginFailureState {
  return state && nowMs < forgetAtMs(state, rules) ? state : NO_FAILURES;
}

// Milliseconds until the account may log in again; 0 when it is not locked.
export function lockoutRemainingMs(state: LoginFailureState | null, nowMs: number, rules: LoginLockoutRules): number {
  return Math.max(0, currentState(state, nowMs, rules).lockedUntilMs - nowMs);
}

export function afterFailure(state: LoginFailureState | null, nowMs: number, rules: LoginLockoutRules): LoginFailureState {
  const current = currentState(state, nowMs, rules);
  const inWindow = current.failures > 0 && nowMs - current.windowStartMs < rules.windowMs;
  const failures = (inWindow ? current.failures : 0) + 1;
  const windowStartMs = inWindow ? current.windowStartMs : nowMs;
  if (failures < rules.maxFailures) return { ...current, failures, windowStartMs };
  const level = current.level + 1;
  return { failures: 0, windowStartMs: nowMs, level, lockedUntilMs: nowMs + lockoutMs(level, rules) };
}

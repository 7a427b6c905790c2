import { Inject, Injectable } from '@nestjs/common';
import { BrokenCircuitError, circuitBreaker, CircuitState, ConsecutiveBreaker, handleAll } from 'cockatiel';
import { CircuitStateName } from '@app/contracts';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../../config/scheduler.config';

export type CircuitConfig = Pick<SchedulerConfig, 'PROVIDER_BREAKER_THRESHOLD' | 'PROVIDER_BREAKER_COOLDOWN'>;

// What one sync met at the breaker, and the breaker's state to save for the next sync (on any replica).
export type CircuitPassage<T> =
  | { ran: true; ok: true; value: T; saved: unknown }
  | { ran: true; ok: false; error: unknown; saved: unknown }
  | { ran: false; halfOpensAt: Date; consecutiveFailures: number; saved: unknown };

export interface CircuitView {
  state: CircuitStateName;
  halfOpensAt: Date | null;
  consecutiveFailures: number;
}

// cockatiel's toJSON(): { ownState: { value, openedAt?, attemptNo? }, breakerState } (ConsecutiveBreaker: a count).
// A half-open circuit is saved as open with openedAt 0, but a sync never saves mid-trial: the trial is the sync.
interface SavedCircuit {
  ownState: { value: CircuitState.Closed } | { value: CircuitState.Open; openedAt: number; attemptNo: number };
  breakerState: number;
}

function isSavedCircuit(value: unknown): value is SavedCircuit {
  if (!value || typeof value !== 'object') return false;
  const { ownState, breakerState } = value as Partial<SavedCircuit>;
  if (!Number.isInteger(breakerState) || !ownState || typeof ownState !== 'object') return false;
  if (ownState.value === CircuitState.Closed) return true;
  return ownState.value === CircuitState.Open && Number.isFinite(ownState.openedAt) && Number.isInteger(ownState.attemptNo);
}

// The provider circuit breaker: cockatiel's, opened by PROVIDER_BREAKER_THRESHOLD consecutive failed syncs and
// half-open after PROVIDER_BREAKER_COOLDOWN. Syncs run minutes apart on any replica, so no breaker lives in
// memory: each sync restores it from the saved state (Postgres, read under the sync lock), passes through it
// once, and the caller saves the state it leaves. Unreadable saved state counts as a closed circuit.
@Injectable()
export class ProviderCircuitBreaker {
  constructor(@Inject(SCHEDULER_CONFIG) private readonly config: CircuitConfig) {}

  async pass<T>(saved: unknown, work: () => Promise<T>): Promise<CircuitPassage<T>> {
    const policy = circuitBreaker(handleAll, {
      halfOpenAfter: this.config.PROVIDER_BREAKER_COOLDOWN,
      breaker: new ConsecutiveBreaker(this.config.PROVIDER_BREAKER_THRESHOLD),
      initialState: isSavedCircuit(saved) ? structuredClone(saved) : undefined,
    });
    try {
      const value = await policy.execute(() => work());
      return { ran: true, ok: true, value, saved: policy.toJSON() };
    } catch (error) {
      if (!(error instanceof BrokenCircuitError)) return { ran: true, ok: false, error, saved: policy.toJSON() };
      const view = this.view(saved);
      return { ran: false, halfOpensAt: view.halfOpensAt!, consecutiveFailures: view.consecutiveFailures, saved };
    }
  }

  // An open circuit whose cool-down has passed reads half_open: the next sync is its trial.
  view(saved: unknown, now = Date.now()): CircuitView {
    if (!isSavedCircuit(saved)) return { state: 'closed', halfOpensAt: null, consecutiveFailures: 0 };
    const { ownState, breakerState } = saved;
    if (ownState.value === CircuitState.Closed) return { state: 'closed', halfOpensAt: null, consecutiveFailures: breakerState };
    const halfOpensAt = ownState.openedAt + this.config.PROVIDER_BREAKER_COOLDOWN;
    return { state: now >= halfOpensAt ? 'half_open' : 'open', halfOpensAt: new Date(halfOpensAt), consecutiveFailures: breakerState };
  }
}

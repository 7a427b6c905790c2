import { Injectable } from '@nestjs/common';
import { Counter, Gauge, Histogram } from 'prom-client';
import { MetricsService } from '@app/common';
import { CircuitStateName } from '@app/contracts';
import { ProviderSyncRunRecord, ProviderSyncStateRepository } from '@app/persistence';
import { ProviderCircuitBreaker } from './circuit/provider-circuit.breaker';

export type TickOutcome = 'started' | 'skipped_running' | 'failed';

export const CIRCUIT_GAUGE_VALUES: Record<CircuitStateName, number> = { closed: 0, open: 1, half_open: 2 };
const STATE_READ_TIMEOUT_MS = 1000;

// The provider sync on the scheduler's /metrics.
@Injectable()
export class ProviderSyncMetrics {
  readonly runs: Counter<'trigger' | 'status'>;
  readonly duration: Histogram<'status'>;
  readonly plans: Counter<'kind'>;
  readonly ticks: Counter<'outcome'>;
  readonly circuit: Gauge;
  readonly lastSuccess: Gauge;
  private lastCircuit = Number.NaN;
  private lastSuccessSeconds = Number.NaN;

  constructor(metrics: MetricsService, states: ProviderSyncStateRepository, breaker: ProviderCircuitBreaker) {
    this.runs = new Counter({
      name: 'provider_sync_runs_total',
      help: 'Provider syncs run here, by trigger (startup, schedule, admin) and final status (succeeded, failed, skipped)',
      labelNames: ['trigger', 'status'],
      registers: [metrics.registry],
    });
    this.duration = new Histogram({
      name: 'provider_sync_duration_seconds',
      help: 'Duration of a provider sync, fetch and apply, by final status',
      labelNames: ['status'],
      buckets: [0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10, 20, 30, 60, 120],
      registers: [metrics.registry],
    });
    this.plans = new Counter({
      name: 'provider_sync_plans_total',
      help: 'Plans seen by successful syncs, by kind (new, changed, invalid)',
      labelNames: ['kind'],
      registers: [metrics.registry],
    });
    this.ticks = new Counter({
      name: 'provider_sync_ticks_total',
      help: 'Provider sync ticks by outcome (started, skipped_running: a sync held the lock, failed: could not try)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    // Read from Postgres at scrape time, so every replica reports the one shared breaker; the last value read
    // stays when the read fails, and NaN until one succeeds.
    this.circuit = metrics.gauge('provider_circuit_state', 'Provider circuit breaker: 0 closed, 1 open, 2 half_open (the next sync is the trial)', async () => {
      try {
        const saved = await Promise.race([
          states.loadBreaker(),
          new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), STATE_READ_TIMEOUT_MS).unref()),
        ]);
        this.lastCircuit = CIRCUIT_GAUGE_VALUES[breaker.view(saved).state];
      } catch {
        // keep the last value read
      }
      return this.lastCircuit;
    });
    // The last sync that reached the provider and applied (or confirmed) its catalog, from Postgres like the
    // circuit, so it is the same on every replica; alert ProviderSyncStale compares it with PROVIDER_SYNC_INTERVAL.
    this.lastSuccess = metrics.gauge(
      'provider_sync_last_success_timestamp_seconds',
      'Unix time of the last successful provider sync (NaN until one is known)',
      async () => {
        try {
          const { lastSyncedAt } = await Promise.race([
            states.read(),
            new Promise<never>((_, reject) => setTimeout(() => reject(new Error('timeout')), STATE_READ_TIMEOUT_MS).unref()),
          ]);
          if (lastSyncedAt) this.lastSuccessSeconds = lastSyncedAt.getTime() / 1000;
        } catch {
          // keep the last value read
        }
        return this.lastSuccessSeconds;
      },
    );
  }

  recordRun(run: ProviderSyncRunRecord): void {
    this.runs.inc({ trigger: run.trigger, status: run.status });
    if (run.status === 'skipped') return;
    const seconds = ((run.finishedAt ?? new Date()).getTime() - run.startedAt.getTime()) / 1000;
    this.duration.observe({ status: run.status }, Math.max(0, seconds));
    if (run.status !== 'succeeded') return;
    if (run.new) this.plans.inc({ kind: 'new' }, run.new);
    if (run.changed) this.plans.inc({ kind: 'changed' }, run.changed);
    if (run.invalid) this.plans.inc({ kind: 'invalid' }, run.invalid);
  }

  recordTick(outcome: TickOutcome): void {
    this.ticks.inc({ outcome });
  }
}

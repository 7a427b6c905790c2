import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { setTimeout as delay } from 'node:timers/promises';
import { DomainError } from '@app/common';
import { ProviderSyncStatusReply, StartProviderSyncReply, SyncTrigger } from '@app/contracts';
import { ProviderSyncLease, ProviderSyncLockRepository, ProviderSyncRunRecord, ProviderSyncRunsRepository, ProviderSyncStateRepository } from '@app/persistence';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../config/scheduler.config';
import { ProviderCircuitBreaker } from './circuit/provider-circuit.breaker';
import { ProviderSyncMetrics } from './provider-sync.metrics';
import { SyncProviderFeedUseCase, SyncRunFailedError } from './sync-provider-feed.use-case';
import { toStartReply, toSyncRunView } from './sync-run.view';

export type SyncBegin = { outcome: 'started'; run: ProviderSyncRunRecord; done: Promise<ProviderSyncRunRecord> } | { outcome: 'busy' };

export const STATUS_RUNS = 20;
// How long an admin call waits to see the run of a sync another replica is starting (lock taken, row not yet in).
const RUNNING_ROW_WAIT_MS = 1000;
const RUNNING_ROW_POLL_MS = 25;
const ABANDONED = 'abandoned: the scheduler running this sync stopped before it finished';

interface Started {
  resolve(run: ProviderSyncRunRecord): void;
  reject(error: unknown): void;
  promise: Promise<ProviderSyncRunRecord>;
}

function started(): Started {
  let resolve!: (run: ProviderSyncRunRecord) => void;
  let reject!: (error: unknown) => void;
  const promise = new Promise<ProviderSyncRunRecord>((res, rej) => ((resolve = res), (reject = rej)));
  return { resolve, reject, promise };
}

// At most one sync at a time across every replica: a sync runs only while holding the provider sync lock (a
// Postgres session advisory lock on one connection, released when the sync ends or its process dies). Under
// the lock: leftover 'running' rows are marked abandoned, the circuit breaker is restored from Postgres, and
// the sync goes through it (or a 'skipped' run is recorded while it is open), then its state is saved.
@Injectable()
export class ProviderSyncService implements BeforeApplicationShutdown {
  private readonly logger = new Logger(ProviderSyncService.name);
  private readonly inFlight = new Set<Promise<unknown>>();
  private readonly stopping = new AbortController();

  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: Pick<SchedulerConfig, 'SHUTDOWN_GRACE_MS'>,
    private readonly lock: ProviderSyncLockRepository,
    private readonly runs: ProviderSyncRunsRepository,
    private readonly states: ProviderSyncStateRepository,
    private readonly breaker: ProviderCircuitBreaker,
    private readonly sync: SyncProviderFeedUseCase,
    private readonly metrics: ProviderSyncMetrics,
  ) {}

  // Tries the lock once. Resolves when this replica's run row exists (running, or skipped while the circuit is
  // open); `done` resolves when the sync is over and the lock released.
  async begin(trigger: SyncTrigger): Promise<SyncBegin> {
    if (this.stopping.signal.aborted) return { outcome: 'busy' };
    const lease = await this.lock.tryAcquire();
    if (!lease) return { outcome: 'busy' };
    let saved: unknown;
    try {
      // Holding the lock proves that no sync runs anywhere: a 'running' row is a dead process's.
      const abandoned = await this.runs.markAbandoned(lease.manager, new Date(), ABANDONED);
      if (abandoned.length) this.logger.warn(`provider sync runs ${abandoned.join(', ')} marked abandoned`);
      saved = await this.states.loadBreaker(lease.manager);
    } catch (error) {
      await lease.release();
      throw error;
    }
    const start = started();
    const done = this.runThroughBreaker(trigger, lease, saved, start);
    const tracked = done.catch(() => undefined).finally(() => this.inFlight.delete(tracked));
    this.inFlight.add(tracked);
    return { outcome: 'started', run: await start.promise, done };
  }

  // A whole sync, for callers that wait for it (start-up, tests). Null when another sync holds the lock.
  async run(trigger: SyncTrigger): Promise<ProviderSyncRunRecord | null> {
    const begun = await this.begin(trigger);
    return begun.outcome === 'started' ? begun.done : null;
  }

  // POST /admin/sync: the sync this call started, or the one already running (on any replica).
  async start(trigger: SyncTrigger): Promise<StartProviderSyncReply> {
    const deadline = Date.now() + RUNNING_ROW_WAIT_MS;
    for (;;) {
      if (this.stopping.signal.aborted) throw new DomainError('SERVICE_UNAVAILABLE', 'the scheduler is shutting down; try again');
      const begun = await this.begin(trigger);
      if (begun.outcome === 'started') return toStartReply(begun.run);
      // Another sync holds the lock; its row appears right after it takes it (or the lock is free again).
      const running = await this.runs.findRunning();
      if (running) return toStartReply(running);
      if (Date.now() >= deadline) throw new DomainError('SERVICE_UNAVAILABLE', 'a provider sync is starting on another replica; try again');
      await delay(RUNNING_ROW_POLL_MS);
    }
  }

  async status(): Promise<ProviderSyncStatusReply> {
    const [state, runs] = await Promise.all([this.states.read(), this.runs.listNewest(STATUS_RUNS)]);
    return {
      circuit: this.breaker.view(state.breaker).state,
      last_synced_at: state.lastSyncedAt?.toISOString() ?? null,
      runs: runs.map(toSyncRunView),
    };
  }

  // Interrupts the fetch of a running sync and waits (bounded) for it to record itself and release the lock.
  async beforeApplicationShutdown(): Promise<void> {
    this.stopping.abort();
    if (!this.inFlight.size) return;
    const grace = delay(this.config.SHUTDOWN_GRACE_MS, undefined, { ref: false });
    await Promise.race([Promise.allSettled([...this.inFlight]), grace]);
  }

  private async runThroughBreaker(trigger: SyncTrigger, lease: ProviderSyncLease, saved: unknown, start: Started): Promise<ProviderSyncRunRecord> {
    try {
      const passage = await this.breaker.pass(saved, async () => {
        const run = await this.runs.insertRunning(lease.manager, { trigger, startedAt: new Date() });
        start.resolve(run);
        return this.sync.execute(run, lease, this.stopping.signal);
      });
      if (!passage.ran) {
        const skipped = await this.runs.insertSkipped(lease.manager, {
          trigger,
          startedAt: new Date(),
          error: `skipped: the circuit is open after ${passage.consecutiveFailures} consecutive failed syncs; it half-opens at ${passage.halfOpensAt.toISOString()}`,
          details: { circuit: 'open', half_opens_at: passage.halfOpensAt.toISOString() },
        });
        start.resolve(skipped);
        this.metrics.recordRun(skipped);
        return skipped;
      }
      // A sync cut short by a shutdown says nothing about the provider: the breaker is left as it was.
      const interrupted = !passage.ok && passage.error instanceof SyncRunFailedError && passage.error.interrupted;
      if (!interrupted) await this.saveBreaker(lease, passage.saved);
      if (!passage.ok && !(passage.error instanceof SyncRunFailedError)) {
        // Failed before its run row existed (the row's insert itself).
        throw passage.error instanceof Error ? passage.error : new Error(String(passage.error));
      }
      const run = passage.ok ? passage.value : (passage.error as SyncRunFailedError).run;
      this.metrics.recordRun(run);
      return run;
    } catch (error) {
      start.reject(error); // no-op once the run row exists
      throw error;
    } finally {
      await lease.release();
    }
  }

  private async saveBreaker(lease: ProviderSyncLease, saved: unknown): Promise<void> {
    try {
      await this.states.saveBreaker(lease.manager, saved);
    } catch (error) {
      this.logger.error({ err: error }, 'provider circuit breaker state not saved');
    }
  }
}

import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { context as otelContext, ROOT_CONTEXT } from '@opentelemetry/api';
import { Client } from 'pg';
import { contextFromHeaders, MetricsService, outsideRequestContext, RmqConnection } from '@app/common';
import { EXCHANGES } from '@app/contracts';
import { OUTBOX_NOTIFY_CHANNEL, OutboxRepository, OutboxRow } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

const BATCH_SIZE = 200;
// How long a handed-off row is left to its writer before the poll takes it (the writer died, or hangs).
export const OUTBOX_CLAIM_MS = 5000;

// Moves committed outbox rows to RabbitMQ: at least once, in commit order per aggregate. Two ways in, one worker:
// - handed off: a writer that claimed its row (claimed_until, see PlansRepository) gives it here after the commit, and
//   it is published from memory and marked published in one UPDATE per batch: no NOTIFY, no re-read;
// - polled: every core replica polls (and LISTENs for the writers that NOTIFY) and publishes unclaimed rows under
//   a transaction-scoped advisory lock, so a crash between commit and publish only delays the event.
// A handed-off batch the broker refuses is given back to the poll, and until a poll pass has gone through, later
// hand-offs go the same way, so an event never overtakes an earlier one of its aggregate.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private readonly handedOff: OutboxRow[] = [];
  private pollDue = false;
  private degraded = false;
  private stopped = false;

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly outbox: OutboxRepository,
    private readonly rmq: RmqConnection,
    metrics: MetricsService,
  ) {
    metrics.gauge('outbox_pending_events', 'Committed events not yet confirmed by RabbitMQ', () => this.outbox.countUnpublished());
    // 0 when nothing waits: the alert is on how long the oldest event has waited, not on how many wait.
    metrics.gauge('outbox_oldest_pending_age_seconds', 'Seconds the oldest unpublished outbox event has waited (0 when none)', async () => {
      const { oldestAgeSeconds } = await this.outbox.backlog();
      return oldestAgeSeconds ?? 0;
    });
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.listen().catch((error: unknown) => this.logger.warn(`LISTEN unavailable, polling only: ${error instanceof Error ? error.message : String(error)}`));
    this.timer = setInterval(() => this.wake(), this.config.OUTBOX_POLL_MS);
    this.wake();
  }

  async onApplicationShutdown(): Promise<void> {
    this.stopped = true;
    clearInterval(this.timer);
    await this.idle();
    // Whatever is still in memory is claimed: give it back so another replica publishes it now, not after the claim.
    await this.outbox.releaseClaims(this.handedOff.splice(0).map((event) => event.id)).catch(() => undefined);
    await this.listener?.end().catch(() => undefined);
  }

  // A committed, claimed row: published from memory by the next pass.
  handOff(event: OutboxRow): void {
    if (this.config.TEST_SKIP_OUTBOX_HANDOFF === 'true' && this.config.NODE_ENV === 'test') return;
    this.handedOff.push(event);
    this.run();
  }

  // A poll: the timer, a NOTIFY, or a test.
  wake(): void {
    this.pollDue = true;
    this.run();
  }

  // Resolves once no pass is running and none is due (shutdown, tests).
  async idle(): Promise<void> {
    while (this.running) await this.running;
  }

  private run(): void {
    if (this.stopped || this.running) return;
    // A pass serves every writer, whichever request's hand-off started it: it runs in no request's context or trace
    // (each publish is a span of the trace stored with its row).
    this.running = outsideRequestContext(() => otelContext.with(ROOT_CONTEXT, () => this.work()))
      .catch((error: unknown) => this.logger.warn(`outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (!this.stopped && (this.pollDue || this.handedOff.length > 0)) this.run();
      });
  }

  private async work(): Promise<void> {
    if (this.degraded && this.handedOff.length > 0) {
      await this.outbox.releaseClaims(this.handedOff.splice(0).map((event) => event.id));
      this.pollDue = true;
    }
    while (this.handedOff.length > 0 && !this.stopped) {
      const batch = this.handedOff.splice(0, BATCH_SIZE);
      const published = await this.publishInOrder(batch);
      await this.outbox.markPublished(batch.slice(0, published).map((event) => event.id));
      if (published < batch.length) {
        this.degraded = true;
        this.pollDue = true;
        await this.outbox.releaseClaims([...batch.slice(published), ...this.handedOff.splice(0)].map((event) => event.id));
      }
    }
    if (this.pollDue) {
      this.pollDue = false;
      await this.drain();
    }
  }

  // Publishes unclaimed rows until the outbox has none, another relay holds the lock, or the broker refuses.
  async drain(): Promise<void> {
    for (;;) {
      let refused = false;
      const published = await this.outbox.relayBatch(BATCH_SIZE, async (events) => {
        const confirmed = await this.publishInOrder(events);
        refused = confirmed < events.length;
        return confirmed;
      });
      if (published === null || refused) return;
      if (published < BATCH_SIZE) {
        this.degraded = false;
        return;
      }
      if (this.stopped) return;
    }
  }

  // Publishes the whole batch on the one confirm channel, then waits for the broker's confirms: the channel
  // keeps the order, and only the confirmed prefix counts as published (the rest is retried, in order). Each
  // publish is a span of the trace stored with the row, however long after the write (or a restart) it runs.
  private async publishInOrder(events: OutboxRow[]): Promise<number> {
    const confirms = await Promise.allSettled(
      events.map((event) =>
        this.rmq.publish(
          EXCHANGES.events,
          event.eventType,
          Buffer.from(JSON.stringify({ pattern: event.eventType, data: event.payload })),
          {
            messageId: event.eventId,
            contentType: 'application/json',
            timestamp: Math.floor(event.createdAt.getTime() / 1000),
            headers: event.headers,
          },
          contextFromHeaders(event.traceContext),
        ),
      ),
    );
    const firstFailure = confirms.findIndex((result) => result.status === 'rejected');
    if (firstFailure === -1) return events.length;
    const reason = (confirms[firstFailure] as PromiseRejectedResult).reason as Error;
    this.logger.warn(`publish of event ${events[firstFailure].eventId} failed, will retry from there: ${reason?.message ?? reason}`);
    return firstFailure;
  }

  private async listen(): Promise<void> {
    this.listener = new Client({ connectionString: this.config.DATABASE_URL, application_name: 'core-outbox-listener' });
    this.listener.on('error', (error) => this.logger.warn(`outbox listener error: ${error.message}`));
    this.listener.on('notification', () => this.wake());
    await this.listener.connect();
    await this.listener.query(`LISTEN ${OUTBOX_NOTIFY_CHANNEL}`);
  }
}

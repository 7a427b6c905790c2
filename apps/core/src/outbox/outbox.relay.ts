import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import { Client } from 'pg';
import { contextFromHeaders, MetricsService, RmqConnection } from '@app/common';
import { EXCHANGES } from '@app/contracts';
import { OUTBOX_NOTIFY_CHANNEL, OutboxEntity, OutboxRepository } from '@app/persistence';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';

const BATCH_SIZE = 200;

// Moves committed outbox rows to RabbitMQ: at least once, in commit order per aggregate. Every core replica
// runs one; a transaction-scoped advisory lock lets only one relay publish at a time. Woken by NOTIFY,
// with a poll as the fallback, so a crash between commit and publish only delays the event.
@Injectable()
export class OutboxRelay implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OutboxRelay.name);
  private listener?: Client;
  private timer?: NodeJS.Timeout;
  private running?: Promise<void>;
  private wakeAgain = false;
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
    await this.running;
    await this.listener?.end().catch(() => undefined);
  }

  wake(): void {
    if (this.stopped) return;
    if (this.running) {
      this.wakeAgain = true;
      return;
    }
    this.running = this.drain()
      .catch((error: unknown) => this.logger.warn(`outbox relay pass failed: ${error instanceof Error ? error.message : String(error)}`))
      .finally(() => {
        this.running = undefined;
        if (this.wakeAgain) {
          this.wakeAgain = false;
          this.wake();
        }
      });
  }

  // Publishes until the outbox is empty, another relay holds the lock, or the broker refuses.
  async drain(): Promise<void> {
    for (;;) {
      const published = await this.outbox.relayBatch(BATCH_SIZE, (events) => this.publishInOrder(events));
      if (published === null || published < BATCH_SIZE || this.stopped) return;
    }
  }

  // Publishes the whole batch on the one confirm channel, then waits for the broker's confirms: the channel
  // keeps the order, and only the confirmed prefix is marked published (the rest is retried, in order). Each
  // publish is a span of the trace stored with the row, however long after the write (or a restart) it runs.
  private async publishInOrder(events: OutboxEntity[]): Promise<number> {
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

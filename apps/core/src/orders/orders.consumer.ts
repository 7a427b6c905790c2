import { Inject, Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { Counter, Histogram } from 'prom-client';
import { SpanKind } from '@opentelemetry/api';
import {
  assertTopology,
  CLIENT_IP_HEADER,
  inRootSpan,
  InFlightTracker,
  linkFromHeaders,
  MetricsService,
  REQUEST_ID_HEADER,
  saneClientIp,
  saneRequestId,
  withStartupTimeout,
} from '@app/common';
import { OrderPlacement, parseOrdersPlaceMessage, QUEUES } from '@app/contracts';
import { CORE_CONFIG, CoreConfig } from '../config/core.config';
import { Batcher } from './batcher.util';
import { OrderedAcks, TrackedDelivery } from './ordered-acks.util';
import { OrderOrigin, StoreOrdersUseCase } from './store-orders.use-case';

interface Delivery {
  channel: ConfirmChannel;
  acks: OrderedAcks;
  tracked: TrackedDelivery;
  orders: OrderPlacement[];
  origin: OrderOrigin; // the request that placed them, for their audit events
  end: () => void; // in-flight bookkeeping for the graceful drain
}

const MAX_RETRY_DELAY_MS = 5000;

// SQLSTATE classes 22 (data exception) and 23 (integrity constraint): the orders themselves cannot be stored, so
// retrying the same batch cannot help; anything else (connection, timeout, shutdown) is worth retrying.
function isDataError(error: unknown): boolean {
  const code = (error as { code?: unknown } | null)?.code ?? (error as { driverError?: { code?: unknown } } | null)?.driverError?.code;
  return typeof code === 'string' && /^2[23][0-9A-Z]{3}$/.test(code);
}

// The orders queue's consumer: its own connection and channel (prefetch ORDERS_PREFETCH), not a Nest handler per
// message. Messages are gathered into batches (Batcher) and each batch is stored in one transaction
// (StoreOrdersUseCase), then acked in delivery order (OrderedAcks). What it cannot store:
// - a message that is not a valid orders.place is rejected on arrival and dead-lettered (platform.dlx);
// - a batch the database refuses as data is split in halves until the refused message is alone, then that one
//   is rejected: the others are stored;
// - a message whose user is no longer active (deleted after the gateway accepted it) is not stored and is
//   dead-lettered, logged with that reason and counted as refused_inactive_user;
// - a batch that fails for any other reason (Postgres down, a timeout) is retried with backoff and never acked
//   meanwhile; if core dies, the broker redelivers it and ON CONFLICT makes the second store a no-op. A message
//   delivered more than the queue's delivery limit (it crashes the consumer) is dead-lettered by the broker.
@Injectable()
export class OrdersConsumer implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(OrdersConsumer.name);
  private readonly batcher: Batcher<Delivery>;
  private readonly consumed: Counter<'outcome'>;
  private readonly batchSize: Histogram;
  private readonly batchSeconds: Histogram<'outcome'>;
  private readonly phaseSeconds: Histogram<'phase'>;
  private connection?: AmqpConnectionManager;
  private wrapper?: ChannelWrapper;
  private consumer?: { channel: ConfirmChannel; tag: string; acks: OrderedAcks };
  private stopping = false;
  private closed = false;

  constructor(
    @Inject(CORE_CONFIG) private readonly config: CoreConfig,
    private readonly store: StoreOrdersUseCase,
    private readonly inFlight: InFlightTracker,
    metrics: MetricsService,
  ) {
    this.batcher = new Batcher<Delivery>(
      { maxSize: config.ORDERS_BATCH_SIZE, maxWaitMs: config.ORDERS_BATCH_WAIT_MS, concurrency: config.ORDERS_FLUSH_CONCURRENCY },
      (batch) => this.storeBatch(batch),
    );
    this.consumed = new Counter({
      name: 'orders_consumed_total',
      help: 'Orders taken off the orders queue, by outcome (stored, duplicate, dead_lettered, refused_inactive_user)',
      labelNames: ['outcome'],
      registers: [metrics.registry],
    });
    this.batchSize = new Histogram({
      name: 'orders_batch_size',
      help: 'Orders per stored batch',
      buckets: [1, 10, 50, 100, 250, 500, 1000, 2000],
      registers: [metrics.registry],
    });
    this.batchSeconds = new Histogram({
      name: 'orders_batch_duration_seconds',
      help: 'Time to store one batch (transaction and cache), by outcome',
      labelNames: ['outcome'],
      buckets: [0.002, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 5],
      registers: [metrics.registry],
    });
    this.phaseSeconds = new Histogram({
      name: 'orders_batch_phase_seconds',
      help: 'Where a stored batch spends its time: the transaction (INSERT, outbox, COMMIT) and the cache write',
      labelNames: ['phase'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 1],
      registers: [metrics.registry],
    });
    metrics.gauge('orders_unacked_messages', 'Orders messages delivered and not yet settled', () => this.consumer?.acks.unsettled ?? 0);
  }

  async onApplicationBootstrap(): Promise<void> {
    const url = this.config.RABBITMQ_URL;
    this.connection = amqp.connect([url], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1 });
    this.connection.on('disconnect', ({ err }) => this.logger.warn(`orders consumer disconnected: ${err?.message ?? 'closed'}`));
    this.wrapper = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await assertTopology(channel);
        if (this.stopping) return;
        await channel.prefetch(this.config.ORDERS_PREFETCH);
        // A new channel: what was gathered on the old one is stored now (its acks are skipped, see OrderedAcks).
        this.batcher.flush();
        const acks = new OrderedAcks(channel);
        const { consumerTag } = await channel.consume(QUEUES.orders, (message) => message && this.receive(channel, acks, message), { noAck: false });
        this.consumer = { channel, tag: consumerTag, acks };
      },
    });
    await withStartupTimeout('RabbitMQ', url, 5000, this.wrapper.waitForConnect());
    this.inFlight.onDrain('orders-consumer', () => this.stop());
    this.logger.log(
      `consuming ${QUEUES.orders}: batches of ${this.config.ORDERS_BATCH_SIZE} orders or ${this.config.ORDERS_BATCH_WAIT_MS} ms, prefetch ${this.config.ORDERS_PREFETCH}`,
    );
  }

  // Graceful shutdown, first step (the drain): take no more messages and store what was gathered.
  async stop(): Promise<void> {
    this.stopping = true;
    const consumer = this.consumer;
    if (consumer) await consumer.channel.cancel(consumer.tag).catch(() => undefined);
    this.batcher.flush();
  }

  // Last step: whatever is still unacked goes back to the queue when the connection closes.
  async onApplicationShutdown(): Promise<void> {
    this.stopping = true;
    this.closed = true;
    await this.wrapper?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  private receive(channel: ConfirmChannel, acks: OrderedAcks, message: ConsumeMessage): void {
    if (this.stopping) {
      channel.nack(message, false, true);
      return;
    }
    const parsed = parseOrdersPlaceMessage(message.content);
    if ('problem' in parsed) {
      this.logger.error(`dead-lettering an orders message that cannot be stored (message id ${String(message.properties.messageId)}): ${parsed.problem}`);
      channel.nack(message, false, false);
      this.consumed.inc({ outcome: 'dead_lettered' });
      return;
    }
    const headers = message.properties.headers;
    const origin = { requestId: saneRequestId(headers?.[REQUEST_ID_HEADER]), ip: saneClientIp(headers?.[CLIENT_IP_HEADER]) ?? null };
    const delivery: Delivery = { channel, acks, tracked: acks.track(message), orders: parsed.orders, origin, end: this.inFlight.begin() };
    this.batcher.add(delivery, parsed.orders.length);
  }

  // One span per batch, a trace of its own with a link to each message's context: a batch has many parents.
  private async storeBatch(batch: Delivery[]): Promise<void> {
    const links = batch.flatMap((delivery) => linkFromHeaders(delivery.tracked.message.properties.headers) ?? []);
    try {
      await inRootSpan(
        'orders.place batch',
        (span) => {
          span.setAttribute('messaging.batch.message_count', batch.length);
          return this.storeWithRetry(batch);
        },
        links,
        SpanKind.CONSUMER,
      );
    } catch (error) {
      this.logger.error(`orders batch abandoned: ${(error as Error).message}`);
    } finally {
      for (const delivery of batch) delivery.end();
    }
  }

  private async storeWithRetry(batch: Delivery[]): Promise<void> {
    const orders = batch.flatMap((delivery) => delivery.orders);
    const origins = new Map(batch.flatMap((delivery) => delivery.orders.map((order) => [order, delivery.origin] as const)));
    for (let attempt = 1; ; attempt++) {
      const stopTimer = this.batchSeconds.startTimer();
      try {
        const outcome = await this.store.execute(orders, origins);
        stopTimer({ outcome: 'stored' });
        this.batchSize.observe(orders.length);
        this.phaseSeconds.observe({ phase: 'transaction' }, outcome.transactionMs / 1000);
        this.phaseSeconds.observe({ phase: 'cache' }, outcome.cacheMs / 1000);
        this.consumed.inc({ outcome: 'stored' }, outcome.inserted);
        if (outcome.duplicates > 0) this.consumed.inc({ outcome: 'duplicate' }, outcome.duplicates);
        // A message is one user's: when that user is no longer active, it is dead-lettered (nothing of it was stored).
        const refused = batch.filter((delivery) => outcome.refusedUsers.has(delivery.orders[0].user_id.toLowerCase()));
        for (const delivery of refused) {
          this.logger.error(
            `dead-lettering an orders message whose user is no longer active (message id ${String(delivery.tracked.message.properties.messageId)}, user ${delivery.orders[0].user_id})`,
          );
          delivery.acks.reject(delivery.tracked);
          this.consumed.inc({ outcome: 'refused_inactive_user' }, delivery.orders.length);
        }
        const stored = batch.filter((delivery) => !refused.includes(delivery));
        // Normally one channel; after a reconnect a batch may span the old one (whose acks are skipped) and the new.
        for (const acks of new Set(stored.map((delivery) => delivery.acks)))
          acks.ackAll(stored.filter((delivery) => delivery.acks === acks).map((delivery) => delivery.tracked));
        return;
      } catch (error) {
        stopTimer({ outcome: 'failed' });
        if (isDataError(error)) return this.isolate(batch, error);
        // Shutting down with the database away: leave the messages unacked, the broker redelivers them.
        if (this.closed) return;
        const delay = Math.min(MAX_RETRY_DELAY_MS, 100 * 2 ** Math.min(attempt - 1, 6));
        this.logger.warn(`storing ${orders.length} orders failed (attempt ${attempt}), retrying in ${delay} ms: ${(error as Error).message}`);
        await new Promise((resolve) => setTimeout(resolve, delay));
      }
    }
  }

  // The database refused the batch's data: store the halves apart until the message at fault is alone.
  private async isolate(batch: Delivery[], error: unknown): Promise<void> {
    if (batch.length === 1) {
      const [delivery] = batch;
      this.logger.error(
        `dead-lettering an orders message the database refuses (message id ${String(delivery.tracked.message.properties.messageId)}): ${(error as Error).message}`,
      );
      delivery.acks.reject(delivery.tracked);
      this.consumed.inc({ outcome: 'dead_lettered' }, delivery.orders.length);
      return;
    }
    const middle = Math.ceil(batch.length / 2);
    await this.storeWithRetry(batch.slice(0, middle));
    await this.storeWithRetry(batch.slice(middle));
  }
}

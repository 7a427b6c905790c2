import { Inject, Injectable, Logger, OnApplicationShutdown, OnModuleInit } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { randomUUID } from 'node:crypto';
import { assertTopology, DomainError, requestContextHeaders, tracedPublish, withStartupTimeout } from '@app/common';
import { encodeOrdersPlaceMessage, OrderPlacement, QUEUES } from '@app/contracts';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

// A certain refusal: the broker never took the order (it was never sent, or the broker said no). Safe to retry.
function notAccepted(reason: string): DomainError {
  return new DomainError('SERVICE_UNAVAILABLE', `The order was not accepted: ${reason}. Retry, with the same Idempotency-Key to be safe.`, {
    outcome: 'not_accepted',
  });
}

// The order was sent but no confirm came back (the connection closed, or the confirm timed out): the broker may
// hold it and core may store it later. The answer says so and names the order, so GET /orders/{id} tells later;
// a retry with the same Idempotency-Key lands on the same id and never duplicates it.
export function outcomeUnknown(reason: string, orders: OrderPlacement[]): DomainError {
  const ids = orders.map((order) => order.id);
  return new DomainError(
    'SERVICE_UNAVAILABLE',
    `The order's outcome is unknown: ${reason}. The broker may still have it: GET /orders/${ids[0]} tells whether it was stored; retry only with the same Idempotency-Key.`,
    { outcome: 'unknown', order_id: ids[0], ...(orders.length > 1 ? { order_ids: ids } : {}) },
  );
}

// Publishes orders to QUEUES.orders on its own connection and confirm channel. An order counts as published
// only when the broker confirms it (it is then on disk in the quorum queue): persistent, `mandatory` (an
// unroutable message comes back as basic.return, before its confirm, and counts as a failure), and bounded by
// ORDER_PUBLISH_TIMEOUT_MS. It publishes on the raw amqplib channel, never through amqp-connection-manager's
// buffer: while the broker is away a publish fails at once instead of waiting in memory, to be sent after an
// answer of 503 already went out. A blocked connection (a broker alarm) is refused the same way.
@Injectable()
export class OrderPublisher implements OnModuleInit, OnApplicationShutdown {
  private readonly logger = new Logger(OrderPublisher.name);
  private connection?: AmqpConnectionManager;
  private wrapper?: ChannelWrapper;
  private channel?: ConfirmChannel;
  private blocked = false;
  private readonly returned = new Set<string>();

  constructor(@Inject(GATEWAY_CONFIG) private readonly config: GatewayConfig) {}

  async onModuleInit(): Promise<void> {
    const url = this.config.RABBITMQ_URL;
    this.connection = amqp.connect([url], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1 });
    this.connection.on('disconnect', ({ err }) => this.logger.warn(`order publisher disconnected: ${err?.message ?? 'closed'}`));
    this.connection.on('blocked', ({ reason }) => {
      this.blocked = true;
      this.logger.warn(`order publisher blocked by the broker: ${reason}`);
    });
    this.connection.on('unblocked', () => (this.blocked = false));
    this.connection.on('connect', () => (this.blocked = false));
    this.wrapper = this.connection.createChannel({
      json: false,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await assertTopology(channel);
        channel.on('return', (message: ConsumeMessage) => this.returned.add(String(message.properties.messageId)));
        channel.once('close', () => {
          if (this.channel === channel) this.channel = undefined;
        });
        this.channel = channel;
      },
    });
    await withStartupTimeout('RabbitMQ', url, 5000, this.wrapper.waitForConnect());
  }

  async onApplicationShutdown(): Promise<void> {
    await this.wrapper?.close().catch(() => undefined);
    await this.connection?.close().catch(() => undefined);
  }

  get ready(): boolean {
    return Boolean(this.channel) && !this.blocked;
  }

  // Resolves once the broker has the orders (one message, so a bulk is all or nothing); rejects with
  // SERVICE_UNAVAILABLE otherwise, its details.outcome telling a certain refusal (`not_accepted`) from an order the
  // broker may still hold (`unknown`: a closed connection or a confirm timeout after the publish went out).
  publish(orders: OrderPlacement[], requestId: string): Promise<void> {
    const channel = this.channel;
    if (!channel) return Promise.reject(notAccepted('the message broker is unreachable'));
    if (this.blocked) return Promise.reject(notAccepted('the message broker refuses publishes for now'));
    const messageId = orders.length === 1 ? orders[0].id : randomUUID();
    const headers = requestContextHeaders(requestId);
    return tracedPublish(QUEUES.orders, headers, () => this.publishConfirmed(channel, orders, messageId, headers));
  }

  private publishConfirmed(channel: ConfirmChannel, orders: OrderPlacement[], messageId: string, headers: Record<string, string>): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      const settle = (error?: DomainError) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        if (error) reject(error);
        else resolve();
      };
      const timer = setTimeout(
        () => settle(outcomeUnknown(`no confirm from the broker within ${this.config.ORDER_PUBLISH_TIMEOUT_MS} ms`, orders)),
        this.config.ORDER_PUBLISH_TIMEOUT_MS,
      );
      try {
        channel.publish(
          '',
          QUEUES.orders,
          encodeOrdersPlaceMessage(orders),
          {
            persistent: true,
            mandatory: true,
            messageId,
            contentType: 'application/json',
            timestamp: Math.floor(Date.now() / 1000),
            headers,
          },
          (error: unknown) => {
            const wasReturned = this.returned.delete(messageId);
            // A nack is the broker's no; any other error means the channel closed before the confirm arrived.
            if (error instanceof Error && error.message === 'message nacked') settle(notAccepted('the broker refused it (the queue is full?)'));
            else if (error) settle(outcomeUnknown('the broker connection closed before it confirmed the order', orders));
            else if (wasReturned) settle(notAccepted('the orders queue does not exist'));
            else settle();
          },
        );
      } catch (error) {
        settle(notAccepted(`the channel is closing (${(error as Error).message})`));
      }
    });
  }
}

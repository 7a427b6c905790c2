import { Logger } from '@nestjs/common';
import amqp, { AmqpConnectionManager, ChannelWrapper } from 'amqp-connection-manager';
import type { Context } from '@opentelemetry/api';
import type { ConfirmChannel, Options } from 'amqplib';
import { withStartupTimeout } from '../lifecycle/startup';
import { tracedPublish } from '../tracing/message-trace';
import { AMQP_SOCKET_OPTIONS, assertTopology } from './rmq.options';

const PUBLISH_TIMEOUT_MS = 5000;
const STATS_CONNECT_MS = 1000;

// A managed connection with one confirm channel, for publishers (outbox relay, replays) and health.
export class RmqConnection {
  private readonly logger = new Logger(RmqConnection.name);
  private readonly manager: AmqpConnectionManager;
  readonly channel: ChannelWrapper;
  // For checkQueue only: the broker closes a channel that checks a missing queue, and that must not be the
  // publishers' channel.
  private statsChannel?: ChannelWrapper;

  constructor(url: string, extraSetup?: (channel: ConfirmChannel) => Promise<void>) {
    this.manager = amqp.connect([url], { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1, connectionOptions: AMQP_SOCKET_OPTIONS });
    this.manager.on('disconnect', ({ err }) => this.logger.warn(`RabbitMQ disconnected: ${err?.message ?? 'closed'}`));
    this.channel = this.manager.createChannel({
      json: false,
      confirm: true,
      setup: async (channel: ConfirmChannel) => {
        await assertTopology(channel);
        if (extraSetup) await extraSetup(channel);
      },
    });
  }

  isConnected(): boolean {
    return this.manager.isConnected();
  }

  static async connect(url: string, timeoutMs = 5000, extraSetup?: (channel: ConfirmChannel) => Promise<void>): Promise<RmqConnection> {
    const connection = new RmqConnection(url, extraSetup);
    try {
      await withStartupTimeout('RabbitMQ', url, timeoutMs, connection.channel.waitForConnect());
      return connection;
    } catch (error) {
      await connection.close();
      throw error;
    }
  }

  // Resolves once the broker confirmed the message (publisher confirms). The trace context (the active one, or
  // `traceParent`) goes into the headers now: amqp-connection-manager may write the message much later, after a
  // reconnect, in no request's context.
  async publish(exchange: string, routingKey: string, content: Buffer, options: Options.Publish, traceParent?: Context): Promise<void> {
    const headers: Record<string, unknown> = { ...(options.headers as Record<string, unknown> | undefined) };
    await tracedPublish(
      routingKey || exchange,
      headers,
      () => this.channel.publish(exchange, routingKey, content, { persistent: true, timeout: PUBLISH_TIMEOUT_MS, ...options, headers }),
      traceParent,
    );
  }

  // A queue's ready messages and consumers (AMQP's queue.declare-ok; unacked messages are not in it), or null
  // when the broker does not answer or has no such queue.
  async queueStats(queue: string): Promise<{ ready: number; consumers: number } | null> {
    this.statsChannel ??= this.manager.createChannel({ json: false });
    try {
      // A channel just created (the first call) has no AMQP channel yet, and checkQueue would fail at once.
      await withStartupTimeout('RabbitMQ', '', STATS_CONNECT_MS, this.statsChannel.waitForConnect());
      const reply = await this.statsChannel.checkQueue(queue);
      return { ready: reply.messageCount, consumers: reply.consumerCount };
    } catch {
      return null;
    }
  }

  async close(): Promise<void> {
    await this.statsChannel?.close().catch(() => undefined);
    await this.channel.close().catch(() => undefined);
    await this.manager.close().catch(() => undefined);
  }
}

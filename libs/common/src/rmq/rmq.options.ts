import { RmqOptions, Transport } from '@nestjs/microservices';
import type { ConfirmChannel, Options } from 'amqplib';
import { EVENT_BINDINGS, EXCHANGES, ORDERS_QUEUE_BOUNDS, QUEUES } from '@app/contracts';

// amqplib leaves Nagle's algorithm on: a small RPC request or reply then waits for the peer's delayed ACK
// (about 40 ms per hop). Every connection turns it off.
export const AMQP_SOCKET_OPTIONS = { noDelay: true };

// One source of queue arguments: servers, clients and topology must agree or RabbitMQ refuses the declare.
export function durableQueueOptions(queue: string): Options.AssertQueue {
  return {
    durable: true,
    arguments: { 'x-dead-letter-exchange': EXCHANGES.deadLetter, 'x-dead-letter-routing-key': queue },
  };
}

// The orders queue: quorum (replicated, and it counts deliveries), dead-lettered to the same DLX after the
// delivery limit or a reject, and bounded in length with reject-publish so a backlog turns into 503s at the gateway.
export function ordersQueueOptions(): Options.AssertQueue {
  return {
    durable: true,
    arguments: {
      'x-queue-type': 'quorum',
      'x-delivery-limit': ORDERS_QUEUE_BOUNDS.deliveryLimit,
      'x-max-length': ORDERS_QUEUE_BOUNDS.maxLength,
      'x-overflow': 'reject-publish',
      'x-dead-letter-exchange': EXCHANGES.deadLetter,
      'x-dead-letter-routing-key': QUEUES.orders,
    },
  };
}

function commonOptions(url: string, queue: string) {
  return {
    urls: [url],
    queue,
    queueOptions: durableQueueOptions(queue),
    persistent: true,
    socketOptions: { heartbeatIntervalInSeconds: 10, reconnectTimeInSeconds: 1, connectionOptions: AMQP_SOCKET_OPTIONS },
  };
}

// A consumer: manual acks (the ack interceptor acks after the work), explicit prefetch.
export function rmqServerOptions(url: string, queue: string, prefetchCount: number): RmqOptions {
  return { transport: Transport.RMQ, options: { ...commonOptions(url, queue), noAck: false, prefetchCount } };
}

export function rmqClientOptions(url: string, queue: string): RmqOptions {
  return { transport: Transport.RMQ, options: commonOptions(url, queue) };
}

// Declares exchanges, the dead-letter queue and every consumer queue with its bindings. Idempotent.
export async function assertTopology(channel: ConfirmChannel): Promise<void> {
  await channel.assertExchange(EXCHANGES.events, 'topic', { durable: true });
  await channel.assertExchange(EXCHANGES.deadLetter, 'fanout', { durable: true });
  await channel.assertQueue(QUEUES.deadLetters, { durable: true });
  await channel.bindQueue(QUEUES.deadLetters, EXCHANGES.deadLetter, '');
  await channel.assertQueue(QUEUES.coreRpc, durableQueueOptions(QUEUES.coreRpc));
  await channel.assertQueue(QUEUES.schedulerRpc, durableQueueOptions(QUEUES.schedulerRpc));
  await channel.assertQueue(QUEUES.orders, ordersQueueOptions());
  for (const [queue, keys] of Object.entries(EVENT_BINDINGS)) {
    await channel.assertQueue(queue, durableQueueOptions(queue));
    for (const key of keys) await channel.bindQueue(queue, EXCHANGES.events, key);
  }
}

import { Logger } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { InFlightTracker, MetricsService } from '@app/common';
import { encodeOrdersPlaceMessage, OrderPlacement } from '@app/contracts';
import { CoreConfig } from '../config/core.config';
import { OrderedAcks } from './ordered-acks.util';
import { OrdersConsumer } from './orders.consumer';
import { StoreOrdersUseCase } from './store-orders.use-case';

const config = { ORDERS_BATCH_SIZE: 100, ORDERS_BATCH_WAIT_MS: 5, ORDERS_FLUSH_CONCURRENCY: 1, ORDERS_PREFETCH: 100 } as CoreConfig;

let tag = 0;
const placement = (id: string): OrderPlacement => ({
  id,
  user_id: '7c9e6679-7425-40de-944b-e07fc1f90ae7',
  product_name: 'Mug',
  amount: '1.00',
  currency: 'USD',
  plan_id: null,
  idempotency_key: null,
  request_hash: 'a'.repeat(64),
  created_at: '2025-01-02T03:04:05.678Z',
});
const message = (content: Buffer) => ({ content, fields: { deliveryTag: ++tag }, properties: { messageId: `m-${tag}` } }) as unknown as ConsumeMessage;
const orderMessage = (id: string, userId?: string) => message(encodeOrdersPlaceMessage([{ ...placement(id), ...(userId ? { user_id: userId } : {}) }]));
const GONE_USER = '1b9d6bcd-bbfd-4b2d-9b5d-ab8dfbbd4bed';
const ID = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

function fakeChannel() {
  const frames: string[] = [];
  const channel = {
    ack: (m: ConsumeMessage, all: boolean) => frames.push(`ack ${m.fields.deliveryTag}${all ? '+' : ''}`),
    nack: (m: ConsumeMessage, _all: boolean, requeue: boolean) => frames.push(`nack ${m.fields.deliveryTag}${requeue ? ' requeue' : ''}`),
  } as unknown as ConfirmChannel;
  return { channel, frames };
}

// The consumer without its connection: messages are handed to it as the channel would, and the store is a double.
function harness(
  store: (orders: OrderPlacement[]) => Promise<{ inserted: number; duplicates: number; transactionMs: number; cacheMs: number; refusedUsers?: Set<string> }>,
) {
  const inFlight = new InFlightTracker();
  const calls: string[][] = [];
  const sut = new OrdersConsumer(
    config,
    {
      execute: (orders: OrderPlacement[]) => {
        calls.push(orders.map((o) => o.id));
        return store(orders).then((outcome) => ({ refusedUsers: new Set<string>(), ...outcome }));
      },
    } as unknown as StoreOrdersUseCase,
    inFlight,
    new MetricsService(),
  );
  const { channel, frames } = fakeChannel();
  const acks = new OrderedAcks(channel);
  const receive = (m: ConsumeMessage) => (sut as unknown as { receive(c: ConfirmChannel, a: OrderedAcks, m: ConsumeMessage): void }).receive(channel, acks, m);
  return { sut, inFlight, calls, frames, receive };
}

const dataError = () => Object.assign(new Error('value too long'), { driverError: { code: '22001' } });

describe('OrdersConsumer', () => {
  beforeAll(() => Logger.overrideLogger(false));

  it('should store the gathered messages as one batch and ack them with one frame', async () => {
    const { inFlight, calls, frames, receive } = harness(async (orders) => ({ inserted: orders.length, duplicates: 0, transactionMs: 1, cacheMs: 1 }));

    [1, 2, 3].forEach((n) => receive(orderMessage(ID(n))));
    await inFlight.drain(1000);

    expect(calls).toEqual([[ID(1), ID(2), ID(3)]]);
    expect(frames).toEqual([`ack ${tag}+`]);
  });

  it('should dead-letter a message that is not a valid orders.place at once, without storing it', async () => {
    const { inFlight, calls, frames, receive } = harness(async (orders) => ({ inserted: orders.length, duplicates: 0, transactionMs: 1, cacheMs: 1 }));
    const poison = message(Buffer.from('{"pattern":"orders.place","data":{"orders":[{"id":"x"}]}}'));

    receive(poison);
    receive(orderMessage(ID(4)));
    await inFlight.drain(1000);

    expect(calls).toEqual([[ID(4)]]);
    expect(frames).toEqual([`nack ${poison.fields.deliveryTag}`, `ack ${tag}+`]);
  });

  it('should dead-letter only the message the database refuses and store the others when a batch fails on data', async () => {
    const bad = ID(6);
    const { inFlight, calls, frames, receive } = harness(async (orders) => {
      if (orders.some((o) => o.id === bad)) throw dataError();
      return { inserted: orders.length, duplicates: 0, transactionMs: 1, cacheMs: 1 };
    });
    const messages = [5, 6, 7, 8].map((n) => orderMessage(ID(n)));

    messages.forEach(receive);
    await inFlight.drain(1000);

    expect(calls).toEqual([[ID(5), ID(6), ID(7), ID(8)], [ID(5), ID(6)], [ID(5)], [ID(6)], [ID(7), ID(8)]]);
    const [five, six, , eight] = messages.map((m) => m.fields.deliveryTag);
    expect(frames).toEqual([`ack ${five}+`, `nack ${six}`, `ack ${eight}+`]);
  });

  it('should dead-letter the messages of a user who is no longer active and ack the others when the store refuses that user', async () => {
    const { inFlight, frames, receive } = harness(async (orders) => {
      const refused = orders.filter((o) => o.user_id === GONE_USER).length;
      return { inserted: orders.length - refused, duplicates: 0, transactionMs: 1, cacheMs: 1, refusedUsers: new Set(refused ? [GONE_USER] : []) };
    });
    const messages = [orderMessage(ID(11)), orderMessage(ID(12), GONE_USER), orderMessage(ID(13))];

    messages.forEach(receive);
    await inFlight.drain(1000);

    const [, gone, last] = messages.map((m) => m.fields.deliveryTag);
    // One multiple ack for the stored two (the rejected one in between is already settled).
    expect(frames).toEqual([`nack ${gone}`, `ack ${last}+`]);
  });

  it('should retry a batch that fails for another reason and ack it only once it is stored', async () => {
    let attempts = 0;
    const { inFlight, calls, frames, receive } = harness(async (orders) => {
      attempts += 1;
      if (attempts < 3) throw new Error('connection terminated');
      return { inserted: orders.length, duplicates: 0, transactionMs: 1, cacheMs: 1 };
    });

    receive(orderMessage(ID(9)));
    await inFlight.drain(5000);

    expect(calls).toHaveLength(3);
    expect(frames).toEqual([`ack ${tag}+`]);
  });

  it('should put back what arrives after the drain started', async () => {
    const { sut, frames, receive } = harness(async (orders) => ({ inserted: orders.length, duplicates: 0, transactionMs: 1, cacheMs: 1 }));
    await sut.stop();

    receive(orderMessage(ID(10)));

    expect(frames).toEqual([`nack ${tag} requeue`]);
  });
});

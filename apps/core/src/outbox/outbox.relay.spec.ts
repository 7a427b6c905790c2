import { MetricsService, RmqConnection } from '@app/common';
import { EXCHANGES } from '@app/contracts';
import { OutboxEntity, OutboxRepository, OutboxRow } from '@app/persistence';
import { CoreConfig } from '../config/core.config';
import { OutboxRelay } from './outbox.relay';

function row(id: number, aggregate = 'p1'): OutboxRow {
  return {
    id: String(id),
    eventType: 'plan.updated',
    eventId: `00000000-0000-4000-8000-${String(id).padStart(12, '0')}`,
    payload: { aggregate },
    headers: { 'x-request-id': `r${id}` },
    traceContext: {},
    createdAt: new Date('2026-12-06T20:00:00.000Z'),
  };
}

// The relay with its outbox and broker faked: what it publishes, marks and gives back, in what order.
function relayWith(refuse: (eventId: string) => boolean = () => false) {
  const log: string[] = [];
  const unclaimed: OutboxRow[] = [];
  const outbox = {
    markPublished: jest.fn(async (ids: string[]) => void (ids.length && log.push(`marked ${ids.join(',')}`))),
    releaseClaims: jest.fn(async (ids: string[]) => {
      if (ids.length) log.push(`released ${ids.join(',')}`);
      unclaimed.push(...ids.map((id) => row(Number(id))));
    }),
    relayBatch: jest.fn(async (limit: number, publish: (events: OutboxEntity[]) => Promise<number>) => {
      log.push('poll');
      const batch = unclaimed.splice(0, limit);
      const published = await publish(batch as OutboxEntity[]);
      unclaimed.unshift(...batch.slice(published));
      return published;
    }),
    countUnpublished: jest.fn(),
    backlog: jest.fn(),
  };
  const rmq = {
    publish: jest.fn(async (_exchange: string, _key: string, _content: Buffer, options: { messageId: string }) => {
      if (refuse(options.messageId)) throw new Error('nack');
      log.push(`published ${Number(options.messageId.slice(-12))}`);
    }),
  };
  const metrics = { gauge: jest.fn() };
  const sut = new OutboxRelay(
    { OUTBOX_POLL_MS: 1000 } as CoreConfig,
    outbox as unknown as OutboxRepository,
    rmq as unknown as RmqConnection,
    metrics as unknown as MetricsService,
  );
  return { sut, log, outbox, rmq };
}

describe('OutboxRelay', () => {
  it('should publish handed-off rows from memory and mark them in one statement, without polling, when the broker confirms', async () => {
    const { sut, log, outbox, rmq } = relayWith();

    sut.handOff(row(1));
    sut.handOff(row(2));
    await sut.idle();

    expect(log).toEqual(['published 1', 'marked 1', 'published 2', 'marked 2']);
    expect(outbox.relayBatch).not.toHaveBeenCalled();
    const [exchange, key, content, options] = rmq.publish.mock.calls[0];
    expect({ exchange, key, body: JSON.parse(content.toString()), options }).toEqual({
      exchange: EXCHANGES.events,
      key: 'plan.updated',
      body: { pattern: 'plan.updated', data: { aggregate: 'p1' } },
      options: { messageId: row(1).eventId, contentType: 'application/json', timestamp: 1796587200, headers: { 'x-request-id': 'r1' } },
    });
  });

  it('should give a refused row to the poll and keep later hand-offs behind it until a poll pass has published it, when the broker refuses', async () => {
    let attempts = 0;
    // The broker refuses row 2 twice: once from memory, once from the first poll.
    const { sut, log } = relayWith((eventId) => eventId === row(2).eventId && ++attempts <= 2);

    sut.handOff(row(1));
    sut.handOff(row(2));
    await sut.idle();
    sut.handOff(row(3));
    await sut.idle();
    sut.handOff(row(4));
    await sut.idle();

    expect(log).toEqual(['published 1', 'marked 1', 'released 2', 'poll', 'released 3', 'poll', 'published 2', 'published 3', 'published 4', 'marked 4']);
  });
});

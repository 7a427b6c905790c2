import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { OutboxEntity } from '../entities/outbox.entity';
import { OutboxRepository } from './outbox.repository';

// The test database is shared with other specs: they may leave unpublished rows, so every assertion
// looks only at this spec's own event ids, and a large batch limit makes sure they are included.
const BATCH = 10_000;

describe('OutboxRepository (Postgres)', () => {
  let dataSource: DataSource;
  let otherReplica: DataSource;
  let sut: OutboxRepository;
  let created: string[];

  function newEvent(aggregateId: string, eventType = 'user.updated') {
    const eventId = randomUUID();
    created.push(eventId);
    return { aggregateType: 'user', aggregateId, eventType, eventId, payload: { aggregateId }, headers: { 'x-request-id': 'int-test' }, traceContext: {} };
  }

  async function publishedAt(eventIds: string[]): Promise<Record<string, Date | null>> {
    const rows: Array<{ event_id: string; published_at: Date | null }> = await dataSource.query(
      `SELECT event_id, published_at FROM outbox WHERE event_id = ANY($1::uuid[])`,
      [eventIds],
    );
    return Object.fromEntries(rows.map((row) => [row.event_id, row.published_at]));
  }

  const mine = (events: OutboxEntity[]) => events.filter((event) => created.includes(event.eventId));

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    otherReplica = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test-replica')).initialize();
  });

  beforeEach(() => {
    created = [];
    sut = new OutboxRepository(dataSource);
  });

  afterEach(async () => {
    await dataSource.query(`DELETE FROM outbox WHERE event_id = ANY($1::uuid[])`, [created]);
  });

  afterAll(async () => {
    await Promise.all([dataSource.destroy(), otherReplica.destroy()]);
  });

  it('should hand events over in id order and mark only the confirmed prefix published when publishing stops early', async () => {
    const aggregateId = randomUUID();
    const events = [newEvent(aggregateId), newEvent(aggregateId), newEvent(aggregateId)];
    await dataSource.transaction(async (manager) => {
      for (const event of events) await sut.add(manager, event);
    });
    let batchIds: bigint[] = [];
    let ours: string[] = [];
    let confirmed = 0;

    const published = await sut.relayBatch(BATCH, async (batch) => {
      batchIds = batch.map((event) => BigInt(event.id));
      ours = mine(batch).map((event) => event.eventId);
      // The broker confirmed everything up to and including our second event, then failed.
      confirmed = batch.findIndex((event) => event.eventId === events[1].eventId) + 1;
      return confirmed;
    });

    expect(ours).toEqual(events.map((event) => event.eventId));
    expect(batchIds).toEqual([...batchIds].sort((a, b) => (a < b ? -1 : a > b ? 1 : 0)));
    expect(confirmed).toBeGreaterThanOrEqual(2);
    expect(published).toBe(confirmed);
    const state = await publishedAt(ours);
    expect(state[events[0].eventId]).toBeInstanceOf(Date);
    expect(state[events[1].eventId]).toBeInstanceOf(Date);
    expect(state[events[2].eventId]).toBeNull();
  });

  it('should offer the unconfirmed event again when the next batch runs', async () => {
    const aggregateId = randomUUID();
    const [first, second] = [newEvent(aggregateId), newEvent(aggregateId)];
    await dataSource.transaction(async (manager) => {
      await sut.add(manager, first);
      await sut.add(manager, second);
    });
    await sut.relayBatch(BATCH, async (batch) => batch.findIndex((event) => event.eventId === first.eventId) + 1);

    let offered: string[] = [];
    await sut.relayBatch(BATCH, async (batch) => {
      offered = mine(batch).map((event) => event.eventId);
      return 0;
    });

    expect(offered).toEqual([second.eventId]);
  });

  it('should leave a row claimed by its writer to the writer until the claim runs out or is given back, and mark it once', async () => {
    const [claimed, expired, released] = [newEvent(randomUUID()), newEvent(randomUUID()), newEvent(randomUUID())];
    await dataSource.transaction(async (manager) => {
      for (const event of [claimed, expired, released]) await sut.add(manager, event);
    });
    // TypeORM answers an UPDATE ... RETURNING with [rows, count].
    const claim = (event: { eventId: string }, until: string) =>
      dataSource.query<[Array<{ id: string }>, number]>(`UPDATE outbox SET claimed_until = now() + $2::interval WHERE event_id = $1 RETURNING id`, [
        event.eventId,
        until,
      ]);
    await claim(claimed, '1 hour');
    await claim(expired, '-1 second');
    const [[releasedRow]] = await claim(released, '1 hour');
    await sut.releaseClaims([releasedRow.id]);
    let offered: string[] = [];

    await sut.relayBatch(BATCH, async (batch) => {
      offered = mine(batch).map((event) => event.eventId);
      return 0;
    });
    const [claimedRow] = await dataSource.query<Array<{ id: string }>>(`SELECT id FROM outbox WHERE event_id = $1`, [claimed.eventId]);
    await sut.markPublished([claimedRow.id]);
    const firstMark = (await publishedAt([claimed.eventId]))[claimed.eventId];
    await sut.markPublished([claimedRow.id]);

    expect(offered).toEqual([expired.eventId, released.eventId]);
    expect(firstMark).toBeInstanceOf(Date);
    expect((await publishedAt([claimed.eventId]))[claimed.eventId]).toEqual(firstMark);
  });

  it('should return null without publishing when another relay holds the lock', async () => {
    await dataSource.transaction((manager) => sut.add(manager, newEvent(randomUUID())));
    const competitor = new OutboxRepository(otherReplica);
    const competitorPublish = jest.fn(async () => 0);
    let competing: number | null | undefined;

    await sut.relayBatch(BATCH, async () => {
      competing = await competitor.relayBatch(BATCH, competitorPublish);
      return 0;
    });

    expect(competing).toBeNull();
    expect(competitorPublish).not.toHaveBeenCalled();
  });

  it('should let another relay take the lock when the holder has finished', async () => {
    await dataSource.transaction((manager) => sut.add(manager, newEvent(randomUUID())));
    await sut.relayBatch(BATCH, async () => 0);

    const result = await new OutboxRepository(otherReplica).relayBatch(BATCH, async () => 0);

    expect(result).toBe(0);
  });

  it('should never relay an event when the transaction that added it rolled back', async () => {
    const rolledBack = newEvent(randomUUID(), 'user.created');
    const committed = newEvent(randomUUID(), 'user.created');
    await expect(
      dataSource.transaction(async (manager) => {
        await sut.add(manager, rolledBack);
        throw new Error('insert user failed');
      }),
    ).rejects.toThrow('insert user failed');
    await dataSource.transaction((manager) => sut.add(manager, committed));
    let offered: string[] = [];

    await sut.relayBatch(BATCH, async (batch) => {
      offered = mine(batch).map((event) => event.eventId);
      return 0;
    });

    expect(offered).toEqual([committed.eventId]);
    expect(await publishedAt([rolledBack.eventId])).toEqual({});
  });

  it('should mark nothing published and pass the error on when publishing throws', async () => {
    const event = newEvent(randomUUID());
    await dataSource.transaction((manager) => sut.add(manager, event));

    await expect(
      sut.relayBatch(BATCH, async (batch) => {
        expect(mine(batch)).toHaveLength(1);
        throw new Error('broker unreachable');
      }),
    ).rejects.toThrow('broker unreachable');

    expect(await publishedAt([event.eventId])).toEqual({ [event.eventId]: null });
  });

  it('should report the age of the oldest unpublished event, which outbox_oldest_pending_age_seconds exports', async () => {
    const event = newEvent(randomUUID());
    await dataSource.transaction((manager) => sut.add(manager, event));
    await dataSource.query(`UPDATE outbox SET created_at = now() - interval '1 hour' WHERE event_id = $1`, [event.eventId]);

    const backlog = await sut.backlog();

    expect(backlog.pending).toBeGreaterThanOrEqual(1);
    expect(backlog.oldestAgeSeconds).toBeGreaterThanOrEqual(3600);
    expect(backlog.oldestAgeSeconds).toBeLessThan(3600 + 60);
  });
});

import { randomUUID } from 'node:crypto';
import { INestMicroservice } from '@nestjs/common';
import { Test } from '@nestjs/testing';
import amqp, { ChannelModel, ConfirmChannel, ConsumeMessage } from 'amqplib';
import { MetricsService, rmqServerOptions } from '@app/common';
import { CONTENT_EVENTS, ContentChangedEventData, EXCHANGES, QUEUES } from '@app/contracts';
import { CONTENT_INDEX_WRITER, ElasticsearchContentIndexWriter } from '@app/search';
import { VersionedIndexDouble } from '../../../../test/support/elasticsearch-double';
import { eventually } from '../../../../test/support/eventually';
import { TEST_ENV } from '../../../../test/support/test-env';
import { loadIndexerConfig } from '../config/indexer.config';
import { IndexerModule } from '../indexer.module';

// The indexer's real module consuming its real queue, with the content index writer on an Elasticsearch double
// that applies versions as the engine does: what a published content event does to the index.
describe('content events to the search index (integration)', () => {
  let app: INestMicroservice;
  let connection: ChannelModel;
  let channel: ConfirmChannel;
  let index: VersionedIndexDouble;
  const deadLetters: ConsumeMessage[] = [];

  beforeAll(async () => {
    index = new VersionedIndexDouble('content');
    const moduleRef = await Test.createTestingModule({ imports: [IndexerModule.forRoot(loadIndexerConfig({ ...TEST_ENV, LOG_LEVEL: 'warn' }))] })
      .overrideProvider(CONTENT_INDEX_WRITER)
      .useValue(new ElasticsearchContentIndexWriter(index.client))
      .compile();
    app = moduleRef.createNestMicroservice(rmqServerOptions(TEST_ENV.RABBITMQ_URL, QUEUES.indexerEvents, 10));
    await app.listen();

    connection = await amqp.connect(TEST_ENV.RABBITMQ_URL);
    channel = await connection.createConfirmChannel();
    const { queue } = await channel.assertQueue('', { exclusive: true, autoDelete: true });
    await channel.bindQueue(queue, EXCHANGES.deadLetter, '');
    await channel.consume(queue, (message) => message && deadLetters.push(message), { noAck: true });
  });
  afterAll(async () => {
    await connection?.close().catch(() => undefined);
    await app?.close();
  });

  // As the outbox relay publishes: {pattern, data: envelope}, persistent, the event id as message id.
  const publish = async (eventType: string, data: object, eventId = randomUUID()) => {
    const envelope = { event_type: eventType, event_id: eventId, timestamp: new Date().toISOString(), data };
    channel.publish(EXCHANGES.events, eventType, Buffer.from(JSON.stringify({ pattern: eventType, data: envelope })), {
      persistent: true,
      messageId: eventId,
      contentType: 'application/json',
    });
    await channel.waitForConfirms();
    return eventId;
  };
  const changed = (id: string, overrides: Partial<ContentChangedEventData> = {}): ContentChangedEventData => ({
    id,
    author_id: randomUUID(),
    title: 'Winter gardening',
    content: 'Cover the beds with straw before the frost.',
    image: 'https://example.com/straw.jpg',
    created_at: '2025-03-01T10:00:00.000Z',
    updated_at: '2025-03-01T10:00:00.000Z',
    ...overrides,
  });
  const writesTo = (id: string, count: number) => eventually(() => expect(index.requestsFor(id)).toHaveLength(count));

  it('should index a created item by its id and record the index lag when content.created is published', async () => {
    const id = randomUUID();

    await publish(CONTENT_EVENTS.created, changed(id));

    await eventually(() => expect(index.documents().get(id)).toEqual(expect.objectContaining({ id, title: 'Winter gardening', image: 'https://example.com/straw.jpg' })));
    const metrics = await app.get(MetricsService).registry.metrics();
    expect(metrics).toMatch(/index_lag_seconds_count\{event_type="content\.created"\} [1-9]/);
  });

  it('should leave one document in the same state when the same event is delivered twice', async () => {
    const id = randomUUID();
    const eventId = randomUUID();

    await publish(CONTENT_EVENTS.created, changed(id), eventId);
    await publish(CONTENT_EVENTS.created, changed(id), eventId);

    await writesTo(id, 2);
    expect([...index.documents().keys()].filter((key) => key === id)).toHaveLength(1);
    expect(index.documents().get(id)?.title).toBe('Winter gardening');
    expect(deadLetters.filter((message) => message.properties.messageId === eventId)).toEqual([]);
  });

  it('should keep the newer state when an older content.updated arrives after a newer one', async () => {
    const id = randomUUID();

    await publish(CONTENT_EVENTS.updated, changed(id, { title: 'Newer title', updated_at: '2025-03-02T10:00:00.000Z' }));
    await writesTo(id, 1);
    await publish(CONTENT_EVENTS.updated, changed(id, { title: 'Older title', updated_at: '2025-03-01T12:00:00.000Z' }));
    await writesTo(id, 2);

    expect(index.documents().get(id)?.title).toBe('Newer title');
  });

  it('should remove the item, and keep it removed when a late update follows, when content.deleted is published', async () => {
    const id = randomUUID();
    await publish(CONTENT_EVENTS.created, changed(id));
    await eventually(() => expect(index.documents().has(id)).toBe(true));

    await publish(CONTENT_EVENTS.deleted, { id });
    await eventually(() => expect(index.documents().has(id)).toBe(false));
    await publish(CONTENT_EVENTS.updated, changed(id, { updated_at: '2025-03-09T00:00:00.000Z' }));
    await writesTo(id, 3);

    expect(index.documents().has(id)).toBe(false);
  });

  it('should dead-letter an event whose data is malformed and write nothing for it', async () => {
    const id = randomUUID();

    const eventId = await publish(CONTENT_EVENTS.updated, { ...changed(id), updated_at: 'yesterday' });

    await eventually(() => expect(deadLetters.map((message) => message.properties.messageId)).toContain(eventId));
    expect(index.requestsFor(id)).toEqual([]);
  });
});

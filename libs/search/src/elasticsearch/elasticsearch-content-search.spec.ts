import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { DomainError } from '@app/common';
import { VersionedIndexDouble } from '../../../../test/support/elasticsearch-double';
import { ContentIndexSource, ContentSearchQuery, IndexableContent } from '../content-search.port';
import { DELETED_VERSION, toContentDocument } from './content-documents.util';
import { CONTENT_INDEX_BODY } from './content-index.mapping';
import { ElasticsearchContentIndexWriter, ElasticsearchContentSearchReader } from './elasticsearch-content-search';

const ID = '6f1c2a4e-0b7d-4c3e-9a51-2d8e7f6a5b4c';

const item = (overrides: Partial<IndexableContent> = {}): IndexableContent => ({
  id: ID,
  author_id: '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a',
  title: 'Gardening in winter',
  content: 'Cover the beds with straw before the first frost.',
  image: null,
  created_at: '2025-03-01T10:00:00.000Z',
  updated_at: '2025-03-01T10:00:00.000Z',
  ...overrides,
});

const source = (batches: IndexableContent[][], stored: string[] = batches.flat().map((entry) => entry.id)): ContentIndexSource => ({
  batches: async function* () {
    yield* batches;
  },
  existingIds: async (ids) => new Set(ids.filter((id) => stored.includes(id))),
});

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;

describe('ElasticsearchContentIndexWriter', () => {
  it('should create the index once, then write the item by id with updated_at as external_gte version and a refresh when it upserts twice', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);
    const updated = item({ title: 'Gardening in deep winter', updated_at: '2025-03-02T08:30:00.250Z' });

    await sut.upsert(item());
    await sut.upsert(updated);

    expect(cluster.sent.map(({ method, path }) => `${method} ${path}`)).toEqual(['PUT /content', `PUT /content/_doc/${ID}`, `PUT /content/_doc/${ID}`]);
    expect(cluster.sent[0].body).toEqual(CONTENT_INDEX_BODY);
    expect(cluster.sent[2].querystring).toEqual({ version: String(Date.parse(updated.updated_at)), version_type: 'external_gte', refresh: 'true' });
    expect(cluster.documents().get(ID)).toEqual({ ...updated, search_text: 'Gardening in deep winter\nCover the beds with straw before the first frost.' });
  });

  it('should keep the newer document and resolve when an older update arrives after a newer one', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);

    await sut.upsert(item({ title: 'Newer title', updated_at: '2025-03-02T00:00:00.000Z' }));
    await expect(sut.upsert(item({ title: 'Older title', updated_at: '2025-03-01T00:00:00.000Z' }))).resolves.toBeUndefined();

    expect(cluster.documents().get(ID)?.title).toBe('Newer title');
  });

  it('should leave one document in the same state when the same event is delivered twice', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);

    await sut.upsert(item());
    await sut.upsert(item());

    expect([...cluster.documents().keys()]).toEqual([ID]);
    expect(cluster.documents().get(ID)?.title).toBe('Gardening in winter');
  });

  it('should remove the document, and refuse a create or update delivered after the delete, when it removes', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);
    await sut.upsert(item());

    await sut.remove(ID);
    await sut.upsert(item({ title: 'Late update', updated_at: '2025-03-05T00:00:00.000Z' }));

    expect(cluster.documents().size).toBe(0);
    expect(cluster.requestsFor(ID)[1]).toEqual(
      expect.objectContaining({ method: 'DELETE', querystring: { version: String(DELETED_VERSION), version_type: 'external_gte', refresh: 'true' } }),
    );
  });

  it('should resolve and still refuse the late create when the delete arrives before anything was indexed', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);

    await expect(sut.remove(ID)).resolves.toBeUndefined();
    await sut.upsert(item());

    expect(cluster.documents().size).toBe(0);
  });

  it('should go on to write when the index already exists (another replica made it)', async () => {
    const cluster = new VersionedIndexDouble('content');
    await new ElasticsearchContentIndexWriter(cluster.client).upsert(item());
    const sut = new ElasticsearchContentIndexWriter(cluster.client);

    await expect(sut.upsert(item({ id: uuid(1) }))).resolves.toBeUndefined();
    expect(cluster.documents().has(uuid(1))).toBe(true);
  });

  it('should throw when the cluster refuses a write for any other reason than its version', async () => {
    const mock = new Mock();
    mock.add({ method: 'PUT', path: '/content' }, () => ({ acknowledged: true }));
    mock.add(
      { method: 'PUT', path: '/content/_doc/:id' },
      () => new errors.ResponseError({ body: { error: { type: 'mapper_parsing_exception' }, status: 400 }, statusCode: 400, warnings: null, meta: {} as never }),
    );
    const sut = new ElasticsearchContentIndexWriter(new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() }));

    await expect(sut.upsert(item())).rejects.toThrow(/mapper_parsing_exception/);
  });

  it('should write every batch with its versions, keep a newer live document, remove ids Postgres no longer has, and count what it wrote when it rebuilds', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);
    // Indexed live: a newer state of #1 than the rebuild reads, and #9, deleted while its delete event was lost.
    await sut.upsert(item({ id: uuid(1), title: 'Live newer', updated_at: '2025-04-01T00:00:00.000Z' }));
    await sut.upsert(item({ id: uuid(9) }));

    const count = await sut.rebuild(source([[item({ id: uuid(1), title: 'Read before the update' }), item({ id: uuid(2) })], [], [item({ id: uuid(3) })]]));

    expect(count).toBe(3);
    expect([...cluster.documents().keys()].sort()).toEqual([uuid(1), uuid(2), uuid(3)]);
    expect(cluster.documents().get(uuid(1))?.title).toBe('Live newer');
    expect(cluster.sent.filter(({ path }) => path === '/content/_bulk')).toHaveLength(3); // two batches and one clean-up
  });

  it('should page through every indexed id when it looks for removed ones', async () => {
    const cluster = new VersionedIndexDouble('content');
    const sut = new ElasticsearchContentIndexWriter(cluster.client);
    const all = Array.from({ length: 2300 }, (_, n) => item({ id: uuid(n) }));
    await sut.rebuild(source([all]));
    const kept = all.filter((_, n) => n % 2 === 0).map((entry) => entry.id);

    await sut.rebuild(source([], kept));

    expect([...cluster.documents().keys()].sort()).toEqual(kept.sort());
    expect(cluster.sent.filter(({ path, body }) => path === '/content/_search' && (body as { search_after?: unknown }).search_after)).toHaveLength(2 + 2);
  });

  it('should throw naming the documents when a rebuild batch fails for another reason than a version conflict', async () => {
    const mock = new Mock();
    mock.add({ method: 'PUT', path: '/content' }, () => ({ acknowledged: true }));
    mock.add({ method: 'POST', path: '/content/_bulk' }, () => ({
      took: 1,
      errors: true,
      items: [
        { index: { _id: uuid(1), status: 409, error: { type: 'version_conflict_engine_exception', reason: 'newer' } } },
        { index: { _id: uuid(2), status: 400, error: { type: 'mapper_parsing_exception', reason: 'bad field' } } },
      ],
    }));
    const sut = new ElasticsearchContentIndexWriter(new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() }));

    await expect(sut.rebuild(source([[item({ id: uuid(1) }), item({ id: uuid(2) })]]))).rejects.toThrow(
      new RegExp(`1 document\\(s\\): ${uuid(2)} \\(400 mapper_parsing_exception`),
    );
  });
});

describe('toContentDocument', () => {
  it('should index only the first 100 000 characters of the content, never splitting a character, when the content is longer', () => {
    const content = `${'a'.repeat(99_999)}😀tail`;

    const document = toContentDocument(item({ content }));

    expect(Array.from(document.content)).toHaveLength(100_000);
    expect(document.content.endsWith('a😀')).toBe(true);
    expect(document.search_text).toBe(`Gardening in winter\n${document.content}`);
  });
});

describe('ElasticsearchContentSearchReader', () => {
  const query: ContentSearchQuery = { q: 'winter frost', page: 1, pageSize: 20, sortBy: 'relevance', order: 'desc', timeoutMs: 3000 };
  const noHits = { total: { value: 0, relation: 'eq' }, hits: [] };

  async function search(sent: ContentSearchQuery, hits: unknown = noHits) {
    const cluster = new VersionedIndexDouble('content');
    cluster.onSearch = () => ({ took: 1, timed_out: false, hits });
    const result = await new ElasticsearchContentSearchReader(cluster.client).search(sent);
    return { result, request: cluster.sent[0] };
  }

  it('should match q on search_text, score title phrases above content phrases, and sort by score, newest, id when sorting by relevance', async () => {
    const { request } = await search(query);

    expect(request).toEqual({
      method: 'POST',
      path: '/content/_search',
      querystring: { ignore_unavailable: 'true' },
      body: {
        query: {
          bool: {
            filter: [{ bool: { filter: [{ match_phrase: { search_text: 'winter' } }, { match_phrase: { search_text: 'frost' } }] } }],
            should: [
              { match_phrase: { title: { query: 'winter', boost: 2.5 } } },
              { match_phrase: { content: { query: 'winter' } } },
              { match_phrase: { title: { query: 'frost', boost: 2.5 } } },
              { match_phrase: { content: { query: 'frost' } } },
            ],
          },
        },
        sort: [{ _score: { order: 'desc' } }, { created_at: { order: 'desc' } }, { id: { order: 'desc' } }],
        from: 0,
        size: 20,
        track_total_hits: true,
        _source: false,
      },
    });
  });

  it('should score only the phrases q asks for, once each, when q negates or repeats words', async () => {
    const { request } = await search({ ...query, q: '"first frost" -summer frost or "first frost"' });
    const should = (request.body as any).query.bool.should;

    expect(should.map((clause: any) => Object.values(clause.match_phrase)[0])).toEqual([
      { query: 'first frost', boost: 2.5 },
      { query: 'first frost' },
      { query: 'frost', boost: 2.5 },
      { query: 'frost' },
    ]);
  });

  it('should neither score nor match when q has no searchable word', async () => {
    const { request } = await search({ ...query, q: '!!! ---' });

    expect((request.body as any).query).toEqual({ bool: { filter: [{ match_none: {} }] } });
  });

  it('should sort by time then id in the asked direction, unscored, and page when sorting by created_at', async () => {
    const { request } = await search({ ...query, sortBy: 'created_at', order: 'asc', page: 3, pageSize: 10 });

    expect(request.body).toEqual(
      expect.objectContaining({
        query: { bool: { filter: [expect.any(Object)] } },
        sort: [{ created_at: { order: 'asc' } }, { id: { order: 'asc' } }],
        from: 20,
        size: 10,
      }),
    );
  });

  it('should ask only for the total when the page lies past the result window', async () => {
    const { request, result } = await search({ ...query, page: 101, pageSize: 100 }, { total: { value: 12_000, relation: 'eq' }, hits: [] });

    expect(request.body).toEqual(expect.objectContaining({ from: 0, size: 0, track_total_hits: true }));
    expect(result).toEqual({ ids: [], total: 12_000 });
  });

  it('should map the hits to ids in order and the total when the cluster answers', async () => {
    const { result } = await search(query, {
      total: { value: 41, relation: 'eq' },
      hits: [
        { _index: 'content', _id: uuid(9) },
        { _index: 'content', _id: uuid(3) },
      ],
    });

    expect(result).toEqual({ ids: [uuid(9), uuid(3)], total: 41 });
  });

  it.each([
    ['times out', new errors.TimeoutError('Request timed out'), 'UPSTREAM_TIMEOUT'],
    ['cannot be reached', new errors.ConnectionError('connect ECONNREFUSED'), 'SERVICE_UNAVAILABLE'],
  ])('should fail with a domain error the gateway maps when the cluster %s', async (_case, error, code) => {
    const mock = new Mock();
    mock.add({ method: 'POST', path: '/content/_search' }, () => error);
    const sut = new ElasticsearchContentSearchReader(new Client({ node: 'http://localhost:9200', Connection: mock.getConnection(), maxRetries: 0 }));

    const failure = await sut.search(query).catch((caught: unknown) => caught);

    expect(failure).toBeInstanceOf(DomainError);
    expect((failure as DomainError).code).toBe(code);
  });
});

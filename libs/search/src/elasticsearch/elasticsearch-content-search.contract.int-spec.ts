import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { ContentSearchQuery, IndexableContent } from '../content-search.port';
import { ElasticsearchContentIndexWriter, ElasticsearchContentSearchReader } from './elasticsearch-content-search';

// What ContentSearchRepository's int-spec asks of Postgres, against a real cluster. This machine runs no
// Elasticsearch, so the suite is skipped unless ELASTICSEARCH_URL points at one (e.g. `docker run -p 9200:9200 -e
// discovery.type=single-node -e xpack.security.enabled=false elasticsearch:8.19.0`).
const describeWithCluster = process.env.ELASTICSEARCH_URL ? describe : describe.skip;

const uuid = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const at = (day: number) => `2025-01-${String(day).padStart(2, '0')}T10:00:00.000Z`;
const item = (n: number, title: string, content: string, day: number, updatedDay = day): IndexableContent => ({
  id: uuid(n),
  author_id: uuid(999),
  title,
  content,
  image: null,
  created_at: at(day),
  updated_at: at(updatedDay),
});

describeWithCluster('Elasticsearch content search (contract)', () => {
  // A unique index per run; the suite body runs even when skipped, so the client is made in beforeAll.
  const index = `content-test-${randomUUID()}`;
  let client: Client;
  let writer: ElasticsearchContentIndexWriter;
  let reader: ElasticsearchContentSearchReader;
  const stored = new Set<string>();
  const search = (q: string, overrides: Partial<ContentSearchQuery> = {}) =>
    reader.search({ q, page: 1, pageSize: 10, sortBy: 'relevance', order: 'desc', timeoutMs: 5000, ...overrides });
  const ids = async (q: string, overrides: Partial<ContentSearchQuery> = {}) => (await search(q, overrides)).ids;

  const inContent = item(1, 'A note about soil', 'Mulch keeps the compost warm in winter.', 5);
  const inTitle = item(2, 'The compost handbook', 'Everything about planting bulbs in autumn.', 1);
  const roses = item(3, 'Red roses', 'Prune the roses in early spring.', 2);
  const tulips = item(4, 'Tulips', 'Plant the bulbs before the frost, not roses.', 3);

  beforeAll(async () => {
    client = new Client({ node: process.env.ELASTICSEARCH_URL });
    writer = new ElasticsearchContentIndexWriter(client, index);
    reader = new ElasticsearchContentSearchReader(client, index);
    for (const entry of [inContent, inTitle, roses, tulips]) stored.add(entry.id);
    await writer.rebuild({
      batches: async function* () {
        yield [inContent, inTitle];
        yield [roses, tulips];
      },
      existingIds: async (candidates) => new Set(candidates.filter((id) => stored.has(id))),
    });
  });

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('should rank a title match above a content match even when it is older', async () => {
    expect(await search('compost')).toEqual({ ids: [inTitle.id, inContent.id], total: 2 });
  });

  it('should sort by creation time only, in either direction, when sort_by is created_at', async () => {
    expect(await ids('compost', { sortBy: 'created_at' })).toEqual([inContent.id, inTitle.id]);
    expect(await ids('compost', { sortBy: 'created_at', order: 'asc' })).toEqual([inTitle.id, inContent.id]);
  });

  it('should read q as websearch_to_tsquery does', async () => {
    expect(await ids('roses', { sortBy: 'created_at' })).toEqual([tulips.id, roses.id]);
    expect(await ids('"red roses"')).toEqual([roses.id]);
    expect(await ids('"roses red"')).toEqual([]);
    expect(await ids('roses -tulips')).toEqual([roses.id]);
    expect(await ids('tulips or compost', { sortBy: 'created_at' })).toEqual([inContent.id, tulips.id, inTitle.id]);
    expect(await ids('ROSES', { sortBy: 'created_at' })).toEqual([tulips.id, roses.id]);
    expect(await ids('!!! ---')).toEqual([]);
  });

  it('should page with the total of every match, and give an empty page past the end or the result window', async () => {
    expect(await search('bulbs', { sortBy: 'created_at', page: 2, pageSize: 1 })).toEqual({ ids: [inTitle.id], total: 2 });
    expect(await search('bulbs', { page: 3, pageSize: 1 })).toEqual({ ids: [], total: 2 });
    expect(await search('bulbs', { page: 1000, pageSize: 100 })).toEqual({ ids: [], total: 2 });
  });

  it('should make a write searchable as soon as it is acknowledged, and keep the newer state when an older one arrives later', async () => {
    const newer = item(5, 'Fresh ferns', 'Ferns like the shade.', 6, 8);
    const older = item(5, 'Stale ferns', 'Ferns like the shade.', 6, 7);

    await writer.upsert(newer);
    expect(await ids('fresh')).toEqual([newer.id]);
    await writer.upsert(older);
    await writer.upsert(newer); // redelivered

    expect(await ids('stale')).toEqual([]);
    expect(await ids('ferns')).toEqual([newer.id]);
  });

  it('should drop an item at once when it removes it, and keep it out when a late update follows', async () => {
    const doomed = item(6, 'Doomed daisies', 'Daisies everywhere.', 9);
    await writer.upsert(doomed);

    await writer.remove(doomed.id);
    expect(await ids('daisies')).toEqual([]);
    await writer.upsert({ ...doomed, updated_at: at(20) });

    expect(await ids('daisies')).toEqual([]);
  });

  it('should remove what Postgres no longer has when it rebuilds', async () => {
    stored.delete(roses.id);

    await writer.rebuild({
      batches: async function* () {
        yield [inContent, inTitle, tulips];
      },
      existingIds: async (candidates) => new Set(candidates.filter((id) => stored.has(id))),
    });

    expect(await ids('roses')).toEqual([tulips.id]);
  });
});

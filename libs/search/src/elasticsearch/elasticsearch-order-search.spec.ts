import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { OrderDocument } from '@app/contracts';
import { OrderSearchQuery } from '../order-search.port';
import { ElasticsearchOrderIndexWriter, ElasticsearchOrderSearchReader } from './elasticsearch-order-search';
import { ORDER_INDEX_BODY } from './order-index.mapping';

interface SentRequest {
  method: string;
  path: string;
  querystring: Record<string, unknown>;
  body: unknown;
}

// A fake cluster: every request is recorded (method, path, query string, parsed body) and answered by `on`.
function fakeCluster() {
  const mock = new Mock();
  const sent: SentRequest[] = [];
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
  const on = (method: string, path: string, reply: (body: any) => unknown) =>
    mock.add({ method, path }, (params) => {
      sent.push({ method, path: params.path as string, querystring: params.querystring ?? {}, body: params.body ?? undefined });
      return reply(params.body) as Record<string, unknown>;
    });
  return { client, sent, on };
}

const error = (statusCode: number, type: string) =>
  new errors.ResponseError({ body: { error: { type, reason: `${type} reason` }, status: statusCode }, statusCode, warnings: null, meta: {} as never });

// Answers a bulk like Elasticsearch: one item per action; `failed` makes those _ids fail.
const bulkReply =
  (failed: string[] = []) =>
  (lines: Array<Record<string, { _id: string }>>) => {
    const items = lines
      .filter((line) => 'index' in line)
      .map((line) => {
        const id = line.index._id;
        const status = failed.includes(id) ? 400 : 201;
        return { index: { _index: 'orders', _id: id, status, ...(status >= 300 && { error: { type: 'mapper_parsing_exception', reason: 'bad field' } }) } };
      });
    return { took: 1, errors: failed.length > 0, items };
  };

const order = (id: string, overrides: Partial<OrderDocument> = {}): OrderDocument => ({
  id,
  user_id: '6b0f7c1e-8a2d-4a51-9d3e-2f1c0b9a8e7d',
  product_name: 'Annual plan subscription',
  amount: 49.99,
  currency: 'USD',
  plan_id: null,
  created_at: '2025-01-02T03:04:05.678Z',
  ...overrides,
});

describe('ElasticsearchOrderIndexWriter', () => {
  it('should create the index with its mapping once, then write every order with the order id as document id when it indexes twice', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/orders', () => ({ acknowledged: true, index: 'orders' }));
    cluster.on('POST', '/orders/_bulk', bulkReply());
    const sut = new ElasticsearchOrderIndexWriter(cluster.client);

    await sut.index([order('o-1'), order('o-2', { plan_id: 'plan-7', amount: 12.5 })]);
    await sut.index([order('o-1')]);

    expect(cluster.sent.map(({ method, path }) => `${method} ${path}`)).toEqual(['PUT /orders', 'POST /orders/_bulk', 'POST /orders/_bulk']);
    expect(cluster.sent[0].body).toEqual(ORDER_INDEX_BODY);
    expect(cluster.sent[1].body).toEqual([{ index: { _id: 'o-1' } }, order('o-1'), { index: { _id: 'o-2' } }, order('o-2', { plan_id: 'plan-7', amount: 12.5 })]);
    expect(cluster.sent[2].body).toEqual([{ index: { _id: 'o-1' } }, order('o-1')]);
  });

  it('should go on to write when the index already exists (another replica made it)', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/orders', () => error(400, 'resource_already_exists_exception'));
    cluster.on('POST', '/orders/_bulk', bulkReply());
    const sut = new ElasticsearchOrderIndexWriter(cluster.client);

    await expect(sut.index([order('o-1')])).resolves.toBeUndefined();
    expect(cluster.sent.map(({ path }) => path)).toEqual(['/orders', '/orders/_bulk']);
  });

  it('should throw naming the failed documents when an item of the bulk fails', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/orders', () => ({ acknowledged: true }));
    cluster.on('POST', '/orders/_bulk', bulkReply(['o-2']));
    const sut = new ElasticsearchOrderIndexWriter(cluster.client);

    await expect(sut.index([order('o-1'), order('o-2')])).rejects.toThrow(/1 document\(s\): o-2 \(400 mapper_parsing_exception/);
  });

  it('should send nothing when there is nothing to index', async () => {
    const cluster = fakeCluster();
    const sut = new ElasticsearchOrderIndexWriter(cluster.client);

    await sut.index([]);

    expect(cluster.sent).toEqual([]);
  });

  it('should write every batch and count the orders when it rebuilds', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/orders', () => ({ acknowledged: true }));
    cluster.on('POST', '/orders/_bulk', bulkReply());
    const sut = new ElasticsearchOrderIndexWriter(cluster.client);

    const count = await sut.rebuild(
      (async function* () {
        yield [order('o-1'), order('o-2')];
        yield [];
        yield [order('o-3')];
      })(),
    );

    expect(count).toBe(3);
    expect(cluster.sent.filter(({ path }) => path === '/orders/_bulk')).toHaveLength(2);
  });
});

describe('ElasticsearchOrderSearchReader', () => {
  const query = (overrides: Partial<OrderSearchQuery> = {}): OrderSearchQuery => ({
    q: 'annual',
    page: 1,
    pageSize: 20,
    sortBy: 'created_at',
    order: 'desc',
    timeoutMs: 3000,
    ...overrides,
  });

  async function search(sent: OrderSearchQuery, hits: unknown = { total: { value: 0, relation: 'eq' }, hits: [] }) {
    const cluster = fakeCluster();
    cluster.on('POST', '/orders/_search', () => ({ took: 1, timed_out: false, hits }));
    const result = await new ElasticsearchOrderSearchReader(cluster.client).search(sent);
    return { result, request: cluster.sent[0] };
  }

  it("should match q on product_name within the owner's orders, newest first then by id, with an exact total and no source when a user searches", async () => {
    const { request } = await search(query({ q: 'annual plan', ownerId: 'u-1' }));

    expect(request).toEqual({
      method: 'POST',
      path: '/orders/_search',
      querystring: { ignore_unavailable: 'true' },
      body: {
        query: {
          bool: {
            filter: [{ bool: { filter: [{ match_phrase: { product_name: 'annual' } }, { match_phrase: { product_name: 'plan' } }] } }, { term: { user_id: 'u-1' } }],
          },
        },
        sort: [{ created_at: { order: 'desc' } }, { id: { order: 'desc' } }],
        from: 0,
        size: 20,
        track_total_hits: true,
        _source: false,
      },
    });
  });

  it('should not filter by owner and should sort and page as asked when an admin searches by amount', async () => {
    const { request } = await search(query({ sortBy: 'amount', order: 'asc', page: 3, pageSize: 10 }));

    expect(request.body).toEqual(
      expect.objectContaining({
        query: { bool: { filter: [{ match_phrase: { product_name: 'annual' } }] } },
        sort: [{ amount: { order: 'asc' } }, { id: { order: 'asc' } }],
        from: 20,
        size: 10,
      }),
    );
  });

  it('should map the hits to order ids in order and the total when the cluster answers', async () => {
    const { result } = await search(query(), {
      total: { value: 41, relation: 'eq' },
      hits: [
        { _index: 'orders', _id: 'o-9' },
        { _index: 'orders', _id: 'o-3' },
      ],
    });

    expect(result).toEqual({ ids: ['o-9', 'o-3'], total: 41 });
  });
});

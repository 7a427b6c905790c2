import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';
import { PlanSearchQuery } from '@app/contracts';
import { IndexablePlan } from '../plan-search.port';
import { ElasticsearchPlanIndexWriter, ElasticsearchPlanSearchReader } from './elasticsearch-plan-search';
import { PLAN_INDEX_BODY } from './plan-index.mapping';
import example from './plan-example.fixture.json';

interface SentRequest {
  method: string;
  path: string;
  querystring: Record<string, unknown>;
  body: unknown;
}

type Reply = (body: any) => unknown;

// A fake cluster: every request is recorded (method, path, query string, parsed body) and answered by `on`.
function fakeCluster() {
  const mock = new Mock();
  const sent: SentRequest[] = [];
  const client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
  const on = (method: string, path: string, reply: Reply) =>
    mock.add({ method, path }, (params) => {
      sent.push({ method, path: params.path as string, querystring: params.querystring ?? {}, body: params.body ?? undefined });
      return reply(params.body) as Record<string, unknown>;
    });
  return { client, sent, on };
}

const error = (statusCode: number, type: string) =>
  new errors.ResponseError({ body: { error: { type, reason: `${type} reason` }, status: statusCode }, statusCode, warnings: null, meta: {} as never });

// Answers a bulk like Elasticsearch: one item per action, `outcome` overrides the status of some _ids.
const bulkReply =
  (outcome: Record<string, { status: number; type?: string }> = {}) =>
  (lines: Array<Record<string, { _id: string }>>) => {
    const actions = lines.filter((line) => 'index' in line || 'delete' in line);
    const items = actions.map((line, seqNo) => {
      const [kind, action] = Object.entries(line)[0];
      const { status, type } = outcome[action._id] ?? { status: kind === 'index' ? 201 : 200 };
      const failed = status >= 300;
      return {
        [kind]: { _index: 'plans', _id: action._id, status, _seq_no: seqNo + 100, _primary_term: 3, ...(failed && { error: { type, reason: `${type} reason` } }) },
      };
    });
    return { took: 1, errors: items.some((item) => Object.values(item)[0].status >= 300), items };
  };

const deleted = () => ({ took: 1, deleted: 0, version_conflicts: 0, failures: [] });
const created = () => ({ acknowledged: true, shards_acknowledged: true, index: 'plans' });

const PLAN_ID = '12xvxc345ssdsds-508';
const CREATED_AT = '2024-01-02T03:04:05.678Z';
const plan = (version = 42, objectId = PLAN_ID): IndexablePlan => ({
  objectId,
  version,
  document: { ...structuredClone(example), objectId },
  metadata: { created_by: 'u1', created_at: CREATED_AT, updated_by: 'u1', updated_at: CREATED_AT },
});

const action = (id: string, version = 42, routing = PLAN_ID) => ({ index: { _id: id, routing, version, version_type: 'external' } });
const child = (name: string, parent: string) => ({ name, parent });
const olderThan = (planId: string, version: number) => ({ bool: { filter: [{ term: { plan_id: planId } }, { range: { version: { lt: version } } }] } });

describe('ElasticsearchPlanIndexWriter', () => {
  it('should index the plan and every nested object in one bulk, routed by the plan and externally versioned, when it upserts the example plan', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', bulkReply());
    cluster.on('POST', '/plans/_delete_by_query', deleted);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await sut.upsert(plan());

    const common = { plan_id: PLAN_ID, _org: 'example.com', version: 42 };
    expect(cluster.sent.map(({ method, path }) => `${method} ${path}`)).toEqual(['PUT /plans', 'POST /plans/_bulk', 'POST /plans/_delete_by_query']);
    expect(cluster.sent[1].querystring).toEqual({});
    expect(cluster.sent[1].body).toEqual([
      action(PLAN_ID),
      {
        ...common,
        relation: 'plan',
        objectId: PLAN_ID,
        objectType: 'plan',
        planType: 'inNetwork',
        creationDate: '12-12-2017',
        created_at: CREATED_AT,
        search_text: 'inNetwork example.com example.com example.com Yearly physical example.com example.com example.com well baby example.com example.com',
      },
      action(`${PLAN_ID}:1234vxc2324sdf-501`),
      { ...common, relation: child('plan_cost_share', PLAN_ID), objectId: '1234vxc2324sdf-501', objectType: 'membercostshare', copay: 23, deductible: 2000 },
      action(`${PLAN_ID}:27283xvx9asdff-504`),
      { ...common, relation: child('planservice', PLAN_ID), objectId: '27283xvx9asdff-504', objectType: 'planservice' },
      action(`${PLAN_ID}:1234520xvc30asdf-502`),
      { ...common, relation: child('service', `${PLAN_ID}:27283xvx9asdff-504`), objectId: '1234520xvc30asdf-502', objectType: 'service', name: 'Yearly physical' },
      action(`${PLAN_ID}:1234512xvc1314asdfs-503`),
      {
        ...common,
        relation: child('planservice_cost_share', `${PLAN_ID}:27283xvx9asdff-504`),
        objectId: '1234512xvc1314asdfs-503',
        objectType: 'membercostshare',
        copay: 0,
        deductible: 10,
      },
      action(`${PLAN_ID}:27283xvx9sdf-507`),
      { ...common, relation: child('planservice', PLAN_ID), objectId: '27283xvx9sdf-507', objectType: 'planservice' },
      action(`${PLAN_ID}:1234520xvc30sfs-505`),
      { ...common, relation: child('service', `${PLAN_ID}:27283xvx9sdf-507`), objectId: '1234520xvc30sfs-505', objectType: 'service', name: 'well baby' },
      action(`${PLAN_ID}:1234512xvc1314sdfsd-506`),
      {
        ...common,
        relation: child('planservice_cost_share', `${PLAN_ID}:27283xvx9sdf-507`),
        objectId: '1234512xvc1314sdfsd-506',
        objectType: 'membercostshare',
        copay: 175,
        deductible: 10,
      },
    ]);
  });

  it('should delete the objects a patch removed, on the plan shard only, when the upsert succeeded', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', bulkReply());
    cluster.on('POST', '/plans/_delete_by_query', deleted);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await sut.upsert(plan(42));

    expect(cluster.sent[2]).toEqual({
      method: 'POST',
      path: '/plans/_delete_by_query',
      querystring: { routing: PLAN_ID, conflicts: 'proceed', refresh: 'true' },
      body: { query: olderThan(PLAN_ID, 42) },
    });
  });

  it('should create the index with the mapping before the first write only when it writes twice', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', bulkReply());
    cluster.on('POST', '/plans/_delete_by_query', deleted);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await sut.upsert(plan(1));
    await sut.remove(PLAN_ID, 2);

    expect(cluster.sent.map(({ method, path }) => `${method} ${path}`)).toEqual([
      'PUT /plans',
      'POST /plans/_bulk',
      'POST /plans/_delete_by_query',
      'POST /plans/_delete_by_query',
    ]);
    expect(cluster.sent[0].body).toEqual(PLAN_INDEX_BODY);
  });

  it('should treat the event as already applied when every document is at that version (redelivery)', async () => {
    const cluster = fakeCluster();
    const conflicts = Object.fromEntries(
      [
        PLAN_ID,
        '1234vxc2324sdf-501',
        '27283xvx9asdff-504',
        '1234520xvc30asdf-502',
        '1234512xvc1314asdfs-503',
        '27283xvx9sdf-507',
        '1234520xvc30sfs-505',
        '1234512xvc1314sdfsd-506',
      ].map((id, index) => [index === 0 ? id : `${PLAN_ID}:${id}`, { status: 409, type: 'version_conflict_engine_exception' }]),
    );
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', bulkReply(conflicts));
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await expect(sut.upsert(plan())).resolves.toBeUndefined();

    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans', '/plans/_bulk']);
  });

  it('should delete exactly what a stale event wrote when the plan document is already at a newer version', async () => {
    const cluster = fakeCluster();
    const conflict = { status: 409, type: 'version_conflict_engine_exception' };
    // The newer version dropped plan service 504 (with its service and cost share); this stale event re-created them.
    const bulk = bulkReply({
      [PLAN_ID]: conflict,
      [`${PLAN_ID}:1234vxc2324sdf-501`]: conflict,
      [`${PLAN_ID}:27283xvx9sdf-507`]: conflict,
      [`${PLAN_ID}:1234520xvc30sfs-505`]: conflict,
      [`${PLAN_ID}:1234512xvc1314sdfsd-506`]: conflict,
    });
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', (lines) => ('delete' in lines[0] ? bulkReply()(lines) : bulk(lines)));
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await sut.upsert(plan(7));

    const remove = (id: string, seqNo: number) => ({ delete: { _id: `${PLAN_ID}:${id}`, routing: PLAN_ID, if_seq_no: seqNo, if_primary_term: 3 } });
    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans', '/plans/_bulk', '/plans/_bulk']);
    expect(cluster.sent[2].body).toEqual([remove('27283xvx9asdff-504', 102), remove('1234520xvc30asdf-502', 103), remove('1234512xvc1314asdfs-503', 104)]);
  });

  it('should throw with the failed documents and delete nothing when a bulk item fails for another reason than a version conflict', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', bulkReply({ [`${PLAN_ID}:27283xvx9sdf-507`]: { status: 429, type: 'es_rejected_execution_exception' } }));
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await expect(sut.upsert(plan())).rejects.toThrow(`${PLAN_ID}:27283xvx9sdf-507 (429 es_rejected_execution_exception`);

    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans', '/plans/_bulk']);
  });

  it('should throw when a stale event left documents it cannot delete', async () => {
    const cluster = fakeCluster();
    const bulk = bulkReply({ [PLAN_ID]: { status: 409, type: 'version_conflict_engine_exception' } });
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', (lines) =>
      'delete' in lines[0] ? bulkReply({ [`${PLAN_ID}:1234vxc2324sdf-501`]: { status: 503, type: 'unavailable_shards_exception' } })(lines) : bulk(lines),
    );
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await expect(sut.upsert(plan())).rejects.toThrow('removing stale plan objects failed');
  });

  it('should ignore leftovers that are already gone or rewritten when a stale event cleans up', async () => {
    const cluster = fakeCluster();
    const bulk = bulkReply({ [PLAN_ID]: { status: 409, type: 'version_conflict_engine_exception' } });
    const cleanup = bulkReply({
      [`${PLAN_ID}:1234vxc2324sdf-501`]: { status: 404, type: 'not_found' },
      [`${PLAN_ID}:27283xvx9asdff-504`]: { status: 409, type: 'version_conflict_engine_exception' },
    });
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_bulk', (lines) => ('delete' in lines[0] ? cleanup(lines) : bulk(lines)));
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await expect(sut.upsert(plan())).resolves.toBeUndefined();
  });

  it('should write nothing when the plan has a nested object the mapping has no relation for', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);
    const unknown = plan();
    unknown.document.extra = { objectId: 'x-1', objectType: 'rider' };

    await expect(sut.upsert(unknown)).rejects.toThrow('no index relation for "extra" under a plan');

    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans']);
  });

  it('should delete every document of the plan older than the delete event, routed by the plan, when it removes a plan', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_delete_by_query', deleted);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await sut.remove('plan-1', 99);

    expect(cluster.sent.slice(1)).toEqual([
      {
        method: 'POST',
        path: '/plans/_delete_by_query',
        querystring: { routing: 'plan-1', conflicts: 'proceed', refresh: 'true' },
        body: { query: olderThan('plan-1', 99) },
      },
    ]);
  });

  it('should throw when the delete by query reports failures', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans', created);
    cluster.on('POST', '/plans/_delete_by_query', () => ({
      ...deleted(),
      failures: [{ id: 'plan-1', index: 'plans', status: 500, cause: { type: 'search_phase_execution_exception', reason: 'boom' } }],
    }));
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await expect(sut.remove('plan-1', 99)).rejects.toThrow('plan-1 (search_phase_execution_exception: boom)');
  });

  it('should go on when the index already exists and rethrow other errors when it ensures the index', async () => {
    const existing = fakeCluster();
    existing.on('PUT', '/plans', () => error(400, 'resource_already_exists_exception'));
    const failing = fakeCluster();
    failing.on('PUT', '/plans', () => error(400, 'illegal_argument_exception'));

    await expect(new ElasticsearchPlanIndexWriter(existing.client).ensureIndex()).resolves.toBeUndefined();
    await expect(new ElasticsearchPlanIndexWriter(failing.client).ensureIndex()).rejects.toThrow(errors.ResponseError);
  });

  it('should try to create the index again on the next write when creating it failed', async () => {
    const cluster = fakeCluster();
    let attempts = 0;
    cluster.on('PUT', '/plans', () => (++attempts === 1 ? error(403, 'cluster_block_exception') : created()));
    cluster.on('POST', '/plans/_delete_by_query', deleted);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client);

    await expect(sut.remove('plan-1', 5)).rejects.toThrow();
    await sut.remove('plan-1', 5);

    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans', '/plans', '/plans/_delete_by_query']);
  });

  it('should create the index, write each batch in one bulk, clean older versions across the batch and count the plans when it rebuilds', async () => {
    const cluster = fakeCluster();
    cluster.on('PUT', '/plans-v2', created);
    cluster.on('POST', '/plans-v2/_bulk', bulkReply());
    cluster.on('POST', '/plans-v2/_delete_by_query', deleted);
    const sut = new ElasticsearchPlanIndexWriter(cluster.client, 'plans-v2');
    async function* batches() {
      yield [plan(5, 'p1'), plan(6, 'p2')];
      yield [];
      yield [plan(7, 'p3')];
    }

    await expect(sut.rebuild(batches())).resolves.toBe(3);

    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans-v2', '/plans-v2/_bulk', '/plans-v2/_delete_by_query', '/plans-v2/_bulk', '/plans-v2/_delete_by_query']);
    expect((cluster.sent[1].body as unknown[]).filter((_, index) => index % 2 === 0)).toHaveLength(16);
    expect(cluster.sent[1].body).toEqual(expect.arrayContaining([action('p1', 5, 'p1'), action('p2:1234vxc2324sdf-501', 6, 'p2')]));
    expect(cluster.sent[2]).toEqual(
      expect.objectContaining({
        querystring: { conflicts: 'proceed', refresh: 'true' },
        body: { query: { bool: { should: [olderThan('p1', 5), olderThan('p2', 6)], minimum_should_match: 1 } } },
      }),
    );
    expect(cluster.sent[4]).toEqual(
      expect.objectContaining({ querystring: { routing: 'p3', conflicts: 'proceed', refresh: 'true' }, body: { query: olderThan('p3', 7) } }),
    );
  });

  it('should resolve when the cluster answers the ping and reject when it does not', async () => {
    const up = fakeCluster();
    up.on('HEAD', '/', () => ({}));
    const down = fakeCluster();
    down.on('HEAD', '/', () => error(404, 'not_found'));

    await expect(new ElasticsearchPlanIndexWriter(up.client).ping()).resolves.toBeUndefined();
    await expect(new ElasticsearchPlanIndexWriter(down.client).ping()).rejects.toThrow('did not answer');
  });
});

describe('ElasticsearchPlanSearchReader', () => {
  const page = (query: Partial<PlanSearchQuery> = {}): PlanSearchQuery => ({ page: 1, page_size: 10, order: 'desc', ...query });
  const PLAN = { term: { relation: 'plan' } };
  const range = (field: string, bounds: Record<string, number>) => ({ range: { [field]: bounds } });
  const anyCostShare = (query: unknown) => ({
    bool: {
      should: [
        { has_child: { type: 'plan_cost_share', query } },
        { has_child: { type: 'planservice', query: { has_child: { type: 'planservice_cost_share', query } } } },
      ],
      minimum_should_match: 1,
    },
  });

  // Runs one search and returns what the reader sent.
  async function search(query: PlanSearchQuery, hits: unknown = { total: { value: 0, relation: 'eq' }, hits: [] }) {
    const cluster = fakeCluster();
    cluster.on('POST', '/plans/_search', () => ({ took: 1, timed_out: false, hits }));
    const sut = new ElasticsearchPlanSearchReader(cluster.client);
    const result = await sut.search(query);
    return { result, request: cluster.sent[0] };
  }
  const filters = async (query: Partial<PlanSearchQuery>) => ((await search(page(query))).request.body as { query: { bool: { filter: unknown[] } } }).query.bool.filter;

  it('should ask for plan documents only, by creation time then objectId, with an exact total and no source when no filter is given', async () => {
    const { request } = await search(page());

    expect(request).toEqual({
      method: 'POST',
      path: '/plans/_search',
      querystring: { ignore_unavailable: 'true' },
      body: {
        query: { bool: { filter: [PLAN] } },
        sort: [{ created_at: { order: 'desc' } }, { objectId: { order: 'desc' } }],
        from: 0,
        size: 10,
        track_total_hits: true,
        _source: false,
      },
    });
  });

  it('should map the hits to plan ids in order and the total when the cluster answers', async () => {
    const { result } = await search(page(), {
      total: { value: 23, relation: 'eq' },
      hits: [
        { _index: 'plans', _id: 'p9' },
        { _index: 'plans', _id: 'p3' },
      ],
    });

    expect(result).toEqual({ ids: ['p9', 'p3'], total: 23 });
  });

  it('should skip to the page and sort ascending when page 3 of 20 in ascending order is asked', async () => {
    const { request } = await search(page({ page: 3, page_size: 20, order: 'asc' }));

    expect(request.body).toEqual(expect.objectContaining({ from: 40, size: 20, sort: [{ created_at: { order: 'asc' } }, { objectId: { order: 'asc' } }] }));
  });

  it('should require every word of q as a phrase in the plan text when q is given', async () => {
    expect(await filters({ q: 'Yearly physical' })).toEqual([
      PLAN,
      { bool: { filter: [{ match_phrase: { search_text: 'Yearly' } }, { match_phrase: { search_text: 'physical' } }] } },
    ]);
  });

  it('should keep the web search syntax (quotes, or, -) when q uses it', async () => {
    expect(await filters({ q: '"well baby" or dental -vision' })).toEqual([
      PLAN,
      {
        bool: {
          should: [
            { match_phrase: { search_text: 'well baby' } },
            { bool: { filter: [{ match_phrase: { search_text: 'dental' } }, { bool: { must_not: [{ match_phrase: { search_text: 'vision' } }] } }] } },
          ],
          minimum_should_match: 1,
        },
      },
    ]);
  });

  it('should match nothing when q has no word to search, as Postgres does', async () => {
    expect(await filters({ q: ' ... ' })).toEqual([PLAN, { match_none: {} }]);
  });

  it('should filter planType and the plan org exactly when they are given', async () => {
    expect(await filters({ planType: 'inNetwork', org: 'example.com' })).toEqual([PLAN, { term: { planType: 'inNetwork' } }, { term: { _org: 'example.com' } }]);
  });

  it('should look for a service of a plan service by its case-insensitive exact name when serviceName is given', async () => {
    expect(await filters({ serviceName: 'Yearly Physical' })).toEqual([
      PLAN,
      { has_child: { type: 'planservice', query: { has_child: { type: 'service', query: { term: { 'name.keyword_lower': 'Yearly Physical' } } } } } },
    ]);
  });

  it('should look for any cost share, the plan one or a plan service one, with a copay in range when copay bounds are given', async () => {
    expect(await filters({ minCopay: 0, maxCopay: 25 })).toEqual([PLAN, anyCostShare(range('copay', { gte: 0, lte: 25 }))]);
    expect(await filters({ minCopay: 100 })).toEqual([PLAN, anyCostShare(range('copay', { gte: 100 }))]);
    expect(await filters({ maxCopay: 10 })).toEqual([PLAN, anyCostShare(range('copay', { lte: 10 }))]);
  });

  it('should look for any cost share with a deductible in range when deductible bounds are given', async () => {
    expect(await filters({ minDeductible: 500, maxDeductible: 2000 })).toEqual([PLAN, anyCostShare(range('deductible', { gte: 500, lte: 2000 }))]);
  });

  it('should combine every filter, copay and deductible matched independently, when all are given', async () => {
    const query = page({
      q: 'baby',
      planType: 'inNetwork',
      org: 'example.com',
      serviceName: 'well baby',
      minCopay: 1,
      maxCopay: 200,
      minDeductible: 5,
      maxDeductible: 15,
      page: 2,
      page_size: 5,
      order: 'asc',
    });

    const { request } = await search(query);

    expect(request.body).toEqual({
      query: {
        bool: {
          filter: [
            PLAN,
            { match_phrase: { search_text: 'baby' } },
            { term: { planType: 'inNetwork' } },
            { term: { _org: 'example.com' } },
            { has_child: { type: 'planservice', query: { has_child: { type: 'service', query: { term: { 'name.keyword_lower': 'well baby' } } } } } },
            anyCostShare(range('copay', { gte: 1, lte: 200 })),
            anyCostShare(range('deductible', { gte: 5, lte: 15 })),
          ],
        },
      },
      sort: [{ created_at: { order: 'asc' } }, { objectId: { order: 'asc' } }],
      from: 5,
      size: 5,
      track_total_hits: true,
      _source: false,
    });
  });

  it('should search the index it was given when the index name is configured', async () => {
    const cluster = fakeCluster();
    cluster.on('POST', '/plans-test/_search', () => ({ hits: { total: { value: 0, relation: 'eq' }, hits: [] } }));

    await new ElasticsearchPlanSearchReader(cluster.client, 'plans-test').search(page());

    expect(cluster.sent.map(({ path }) => path)).toEqual(['/plans-test/_search']);
  });
});

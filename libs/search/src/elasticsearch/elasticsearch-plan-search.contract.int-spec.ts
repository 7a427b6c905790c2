import { randomUUID } from 'node:crypto';
import { Client } from '@elastic/elasticsearch';
import { PlanDocument, PlanSearchQuery } from '@app/contracts';
import { IndexablePlan } from '../plan-search.port';
import { ElasticsearchPlanIndexWriter, ElasticsearchPlanSearchReader } from './elasticsearch-plan-search';
import example from './plan-example.fixture.json';

// The contract the Postgres backend already meets, against a real cluster. This machine runs no Elasticsearch,
// so the suite is skipped unless ELASTICSEARCH_URL points at one (e.g. `docker run -p 9200:9200 -e
// discovery.type=single-node -e xpack.security.enabled=false elasticsearch:8.19.0`).
const describeWithCluster = process.env.ELASTICSEARCH_URL ? describe : describe.skip;

interface CostShare {
  id: string;
  copay: number;
  deductible: number;
}

// A plan shaped like the example: its own cost share and one plan service per listed service.
function plan(
  id: string,
  version: number,
  createdAt: string,
  fields: { planType: string; org: string; costShare: CostShare; services: Array<{ name: string } & CostShare> },
): IndexablePlan {
  const costShare = (share: CostShare) => ({ objectId: share.id, objectType: 'membercostshare', _org: fields.org, copay: share.copay, deductible: share.deductible });
  const document = {
    ...structuredClone(example),
    objectId: id,
    planType: fields.planType,
    _org: fields.org,
    planCostShares: costShare(fields.costShare),
    linkedPlanServices: fields.services.map((service) => ({
      objectId: `${service.id}-ps`,
      objectType: 'planservice',
      _org: fields.org,
      linkedService: { objectId: `${service.id}-svc`, objectType: 'service', _org: fields.org, name: service.name },
      planserviceCostShares: costShare(service),
    })),
  } as PlanDocument;
  return { objectId: id, version, document, metadata: { created_by: 'u1', created_at: createdAt, updated_by: 'u1', updated_at: createdAt } };
}

describeWithCluster('Elasticsearch plan search (contract)', () => {
  // A unique index per run; the suite body runs even when skipped, so the client is made in beforeAll.
  const index = `plans-test-${randomUUID()}`;
  let client: Client;
  let writer: ElasticsearchPlanIndexWriter;
  let reader: ElasticsearchPlanSearchReader;
  const search = async (query: Partial<PlanSearchQuery>) => reader.search({ page: 1, page_size: 10, order: 'desc', ...query });
  const ids = async (query: Partial<PlanSearchQuery>) => (await search(query)).ids;
  const countOf = async (planId: string) => {
    await client.indices.refresh({ index });
    return (await client.count({ index, query: { term: { plan_id: planId } } })).count;
  };

  // A: the example (copays 23, 0, 175; deductibles 2000, 10, 10); B: another org; C: a differently cased service.
  const a = plan('plan-a', 10, '2024-01-01T00:00:00.000Z', {
    planType: 'inNetwork',
    org: 'example.com',
    costShare: { id: 'a-cs', copay: 23, deductible: 2000 },
    services: [
      { id: 'a-1', name: 'Yearly physical', copay: 0, deductible: 10 },
      { id: 'a-2', name: 'well baby', copay: 175, deductible: 10 },
    ],
  });
  const b = plan('plan-b', 11, '2024-01-02T00:00:00.000Z', {
    planType: 'outOfNetwork',
    org: 'other.org',
    costShare: { id: 'b-cs', copay: 40, deductible: 1000 },
    services: [{ id: 'b-1', name: 'Dental cleaning', copay: 50, deductible: 500 }],
  });
  const c = plan('plan-c', 12, '2024-01-03T00:00:00.000Z', {
    planType: 'inNetwork',
    org: 'example.com',
    costShare: { id: 'c-cs', copay: 5, deductible: 300 },
    services: [{ id: 'c-1', name: 'YEARLY PHYSICAL', copay: 5, deductible: 300 }],
  });

  beforeAll(async () => {
    client = new Client({ node: process.env.ELASTICSEARCH_URL });
    writer = new ElasticsearchPlanIndexWriter(client, index);
    reader = new ElasticsearchPlanSearchReader(client, index);
    await writer.rebuild(
      (async function* () {
        yield [a, b];
        yield [c];
      })(),
    );
    await client.indices.refresh({ index });
  });

  afterAll(async () => {
    await client.indices.delete({ index, ignore_unavailable: true });
    await client.close();
  });

  it('should order by creation time and page when no filter is given', async () => {
    expect(await search({})).toEqual({ ids: ['plan-c', 'plan-b', 'plan-a'], total: 3 });
    expect(await search({ order: 'asc', page: 2, page_size: 1 })).toEqual({ ids: ['plan-b'], total: 3 });
  });

  it('should match q as websearch_to_tsquery does when q is given', async () => {
    expect(await ids({ q: 'yearly' })).toEqual(['plan-c', 'plan-a']);
    expect(await ids({ q: 'EXAMPLE.COM baby' })).toEqual(['plan-a']);
    expect(await ids({ q: '"well baby"' })).toEqual(['plan-a']);
    expect(await ids({ q: '"baby well"' })).toEqual([]);
    expect(await ids({ q: 'physical -well' })).toEqual(['plan-c']);
    expect(await ids({ q: 'dental or baby' })).toEqual(['plan-b', 'plan-a']);
    expect(await ids({ q: 'outofnetwork other.org cleaning' })).toEqual(['plan-b']);
    expect(await ids({ q: '...' })).toEqual([]);
  });

  it('should filter planType case-sensitively and org exactly when they are given', async () => {
    expect(await ids({ planType: 'inNetwork' })).toEqual(['plan-c', 'plan-a']);
    expect(await ids({ planType: 'innetwork' })).toEqual([]);
    expect(await ids({ org: 'other.org' })).toEqual(['plan-b']);
  });

  it('should find plans by the exact service name in any case when serviceName is given', async () => {
    expect(await ids({ serviceName: 'yearly Physical' })).toEqual(['plan-c', 'plan-a']);
    expect(await ids({ serviceName: 'yearly' })).toEqual([]);
  });

  it('should find plans with any cost share in range when copay or deductible bounds are given', async () => {
    expect(await ids({ minCopay: 100 })).toEqual(['plan-a']);
    expect(await ids({ maxCopay: 4 })).toEqual(['plan-a']);
    expect(await ids({ minCopay: 30, maxCopay: 45 })).toEqual(['plan-b']);
    expect(await ids({ minDeductible: 1500 })).toEqual(['plan-a']);
    expect(await ids({ minDeductible: 300, maxDeductible: 600 })).toEqual(['plan-c', 'plan-b']);
  });

  it('should match copay and deductible on different cost shares when both are given', async () => {
    // plan-a: copay 0 on a plan service cost share, deductible 2000 on the plan cost share.
    expect(await ids({ maxCopay: 0, minDeductible: 2000 })).toEqual(['plan-a']);
    expect(await ids({ q: 'baby', planType: 'inNetwork', org: 'example.com', serviceName: 'WELL BABY', minCopay: 170, maxDeductible: 10 })).toEqual(['plan-a']);
  });

  it('should keep the newer state and drop what it removed when an older version arrives after a newer one', async () => {
    const newer = plan('plan-d', 21, '2024-01-04T00:00:00.000Z', { planType: 'newType', org: 'd.org', costShare: { id: 'd-cs', copay: 1, deductible: 1 }, services: [] });
    const older = plan('plan-d', 20, '2024-01-04T00:00:00.000Z', {
      planType: 'oldType',
      org: 'd.org',
      costShare: { id: 'd-cs', copay: 1, deductible: 1 },
      services: [{ id: 'd-1', name: 'Removed service', copay: 1, deductible: 1 }],
    });

    await writer.upsert(newer);
    await writer.upsert(older);
    await client.indices.refresh({ index });

    expect(await ids({ planType: 'newType' })).toEqual(['plan-d']);
    expect(await ids({ planType: 'oldType' })).toEqual([]);
    expect(await ids({ serviceName: 'Removed service' })).toEqual([]);
    expect(await countOf('plan-d')).toBe(2);
  });

  it('should remove the objects a patch deleted when a newer version drops them', async () => {
    const kept = { id: 'e-1', name: 'Kept service', copay: 1, deductible: 1 };
    const fields = { planType: 'inNetwork', org: 'e.org', costShare: { id: 'e-cs', copay: 1, deductible: 1 } };
    const before = plan('plan-e', 30, '2024-01-05T00:00:00.000Z', { ...fields, services: [kept, { id: 'e-2', name: 'Dropped service', copay: 999, deductible: 1 }] });
    const after = plan('plan-e', 31, '2024-01-05T00:00:00.000Z', { ...fields, services: [kept] });

    await writer.upsert(before);
    await writer.upsert(after);

    expect(await ids({ serviceName: 'Dropped service' })).toEqual([]);
    expect(await ids({ minCopay: 999 })).toEqual([]);
    expect(await ids({ serviceName: 'Kept service' })).toEqual(['plan-e']);
    expect(await countOf('plan-e')).toBe(5); // the plan, its cost share, one plan service with its service and cost share
  });

  it('should leave no document of the plan when it removes it, and keep a later re-creation', async () => {
    await writer.remove('plan-b', 40);

    expect(await countOf('plan-b')).toBe(0);
    expect(await ids({ org: 'other.org' })).toEqual([]);

    const recreated = plan('plan-c', 50, '2024-02-01T00:00:00.000Z', {
      planType: 'inNetwork',
      org: 'example.com',
      costShare: { id: 'c-cs', copay: 5, deductible: 300 },
      services: [],
    });
    await writer.upsert(recreated);
    await writer.remove('plan-c', 45); // the delete that preceded the re-creation, delivered late

    expect(await countOf('plan-c')).toBe(2);
  });
});

import type { Client, estypes } from '@elastic/elasticsearch';
import { PlanSearchQuery } from '@app/contracts';
import { IndexablePlan, PlanIndexWriter, PlanSearchReader, PlanSearchResult } from '../plan-search.port';
import { describeBulkItem, IndexCreator, pingCluster, totalHits } from './elasticsearch-index.util';
import { toPlanIndexEntries } from './plan-documents.util';
import { PLAN_INDEX, PLAN_INDEX_BODY } from './plan-index.mapping';
import { planSearchRequest } from './plan-search-request.util';

type BulkItem = estypes.BulkResponseItem;

const CONFLICT = 409;
const NOT_FOUND = 404;

// Writes each plan as a parent/child tree (see plan-documents.util). Every document carries the plan's version as
// its external version, so a redelivered or older event is refused per document (409) and never overwrites
// a newer state; what a newer version no longer has is removed by version afterwards.
export class ElasticsearchPlanIndexWriter implements PlanIndexWriter {
  readonly backend = 'elasticsearch' as const;
  private readonly creator: IndexCreator;

  constructor(
    private readonly client: Client,
    private readonly index: string = PLAN_INDEX,
  ) {
    this.creator = new IndexCreator(client, index, PLAN_INDEX_BODY);
  }

  async upsert(plan: IndexablePlan): Promise<void> {
    await this.ensureIndexOnce();
    await this.write([plan]);
  }

  // The delete event's version is above every version the plan had, so `version <` it is the whole plan, while
  // a re-created plan (a later, higher version) that got here first survives.
  async remove(planId: string, version: number): Promise<void> {
    await this.ensureIndexOnce();
    const response = await this.client.deleteByQuery({
      index: this.index,
      routing: planId,
      conflicts: 'proceed',
      refresh: true,
      query: olderThan(planId, version),
    });
    throwOnFailures(response);
  }

  async rebuild(batches: AsyncIterable<IndexablePlan[]>): Promise<number> {
    await this.ensureIndex();
    let count = 0;
    for await (const batch of batches) {
      if (batch.length === 0) continue;
      await this.write(batch);
      count += batch.length;
    }
    return count;
  }

  ping(): Promise<void> {
    return pingCluster(this.client);
  }

  ensureIndex(): Promise<void> {
    return this.creator.now();
  }

  // Before the first write of this process: a bulk into a missing index would auto-create it without the join.
  private ensureIndexOnce(): Promise<void> {
    return this.creator.once();
  }

  private async write(plans: IndexablePlan[]): Promise<void> {
    const trees = plans.map((plan) => ({ plan, entries: toPlanIndexEntries(plan) }));
    const response = await this.client.bulk({
      index: this.index,
      operations: trees.flatMap(({ plan, entries }) =>
        entries.flatMap(({ id, document }) => [{ index: { _id: id, routing: plan.objectId, version: plan.version, version_type: 'external' as const } }, document]),
      ),
    });

    const failures: string[] = [];
    const current: IndexablePlan[] = [];
    const leftovers: estypes.BulkOperationContainer[] = [];
    let at = 0;
    for (const { plan, entries } of trees) {
      const items = response.items.slice(at, at + entries.length).map((item) => item.index as BulkItem);
      at += entries.length;
      failures.push(...items.filter((item) => item.error && item.status !== CONFLICT).map(describeBulkItem));
      if (items[0].status !== CONFLICT) {
        current.push(plan);
        continue;
      }
      // The plan document is already newer, so this event is stale: whatever it created or overwrote is an object
      // the newer version removed. Delete exactly those writes (a newer write in between changes the seq_no).
      for (const item of items.filter((candidate) => !candidate.error)) {
        leftovers.push({ delete: { _id: item._id as string, routing: plan.objectId, if_seq_no: item._seq_no, if_primary_term: item._primary_term } });
      }
    }
    if (failures.length > 0) throw new Error(`indexing plans failed for ${failures.length} document(s): ${failures.slice(0, 5).join('; ')}`);
    if (leftovers.length > 0) await this.deleteLeftovers(leftovers);
    if (current.length > 0) await this.deleteOlderVersions(current);
  }

  // Objects a patch removed still carry the previous version. The refresh makes this write and the removal
  // visible together, and makes them visible to the next write's delete-by-query (it searches a refreshed view).
  private async deleteOlderVersions(plans: IndexablePlan[]): Promise<void> {
    const response = await this.client.deleteByQuery({
      index: this.index,
      // One routing value keeps the query on the plan's shard; a rebuild batch spans shards (and a long routing
      // list would not fit the request line).
      ...(plans.length === 1 && { routing: plans[0].objectId }),
      conflicts: 'proceed',
      refresh: true,
      query:
        plans.length === 1
          ? olderThan(plans[0].objectId, plans[0].version)
          : { bool: { should: plans.map((plan) => olderThan(plan.objectId, plan.version)), minimum_should_match: 1 } },
    });
    throwOnFailures(response);
  }

  private async deleteLeftovers(operations: estypes.BulkOperationContainer[]): Promise<void> {
    const response = await this.client.bulk({ index: this.index, operations });
    const failures = response.items.map((item) => item.delete as BulkItem).filter((item) => item.error && item.status !== CONFLICT && item.status !== NOT_FOUND);
    if (failures.length > 0) throw new Error(`removing stale plan objects failed: ${failures.slice(0, 5).map(describeBulkItem).join('; ')}`);
  }
}

export class ElasticsearchPlanSearchReader implements PlanSearchReader {
  readonly backend = 'elasticsearch' as const;

  constructor(
    private readonly client: Client,
    private readonly index: string = PLAN_INDEX,
  ) {}

  async search(query: PlanSearchQuery): Promise<PlanSearchResult> {
    const response = await this.client.search({ index: this.index, ...planSearchRequest(query) });
    return { ids: response.hits.hits.map((hit) => hit._id as string), total: totalHits(response) };
  }
}

function olderThan(planId: string, version: number): estypes.QueryDslQueryContainer {
  return { bool: { filter: [{ term: { plan_id: planId } }, { range: { version: { lt: version } } }] } };
}

function throwOnFailures(response: estypes.DeleteByQueryResponse): void {
  const failures = response.failures ?? [];
  if (failures.length > 0)
    throw new Error(
      `delete by query failed: ${failures
        .slice(0, 5)
        .map((failure) => `${failure.id} (${failure.cause.type}: ${failure.cause.reason})`)
        .join('; ')}`,
    );
}

import type { Client, estypes } from '@elastic/elasticsearch';
import { elasticsearchErrors } from './elasticsearch-errors.util';

export interface IndexBody {
  settings: estypes.IndicesIndexSettings;
  mappings: estypes.MappingTypeMapping;
}

// Creating and ignoring "already exists" is one request and has no race between replicas.
export async function createIndexIfMissing(client: Client, index: string, body: IndexBody): Promise<void> {
  try {
    await client.indices.create({ index, ...body });
  } catch (error) {
    if (!(
      error instanceof elasticsearchErrors().ResponseError &&
      (error.body as { error?: { type?: string } } | undefined)?.error?.type === 'resource_already_exists_exception'
    )) {
      throw error;
    }
  }
}

// Creates the index before a writer's first write (a bulk into a missing index would auto-create it with a guessed
// mapping), once per process; a failed attempt is tried again by the next write.
export class IndexCreator {
  private ready?: Promise<void>;

  constructor(
    private readonly client: Client,
    private readonly index: string,
    private readonly body: IndexBody,
  ) {}

  now(): Promise<void> {
    return createIndexIfMissing(this.client, this.index, this.body);
  }

  once(): Promise<void> {
    this.ready ??= this.now().catch((error: unknown) => {
      this.ready = undefined;
      throw error;
    });
    return this.ready;
  }
}

export async function pingCluster(client: Client): Promise<void> {
  if (!(await client.ping())) throw new Error('Elasticsearch did not answer the ping');
}

export function totalHits(response: estypes.SearchResponse): number {
  const total = response.hits.total;
  return typeof total === 'number' ? total : (total?.value ?? 0);
}

export function describeBulkItem(item: estypes.BulkResponseItem): string {
  return `${item._id} (${item.status} ${item.error?.type}: ${item.error?.reason})`;
}

import { PlanDocument, PlanMetadata, PlanSearchQuery } from '@app/contracts';

// A plan as the search index sees it: the document plus the version that orders writes to the index.
export interface IndexablePlan {
  objectId: string;
  version: number;
  document: PlanDocument;
  metadata: PlanMetadata;
}

export interface PlanSearchResult {
  ids: string[];
  total: number;
}

// Writes to the search index, driven by plan events (indexer) and by a rebuild (admin reindex). Every write
// carries the plan's version so an older or redelivered event can never overwrite a newer state.
export interface PlanIndexWriter {
  readonly backend: 'postgres' | 'elasticsearch';
  upsert(plan: IndexablePlan): Promise<void>;
  remove(planId: string, version: number): Promise<void>;
  rebuild(batches: AsyncIterable<IndexablePlan[]>): Promise<number>;
  ping(): Promise<void>;
}

// Answers the contract's search: ids of matching plans, newest first, and the total. Callers load the
// plans themselves from Postgres, so results look the same whichever backend found them.
export interface PlanSearchReader {
  readonly backend: 'postgres' | 'elasticsearch';
  search(query: PlanSearchQuery): Promise<PlanSearchResult>;
}

export const PLAN_INDEX_WRITER = Symbol('PLAN_INDEX_WRITER');
export const PLAN_SEARCH_READER = Symbol('PLAN_SEARCH_READER');

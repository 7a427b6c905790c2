import { IsIn, IsISO8601, IsOptional } from 'class-validator';
import { ProviderEventView } from './provider-event.view';

// gateway -> core (RPC): every plan ever online whose [starts_at, ends_at] lies within the bounds (inclusive,
// instants in UTC, already resolved from the provider's time zone by the gateway), ordered by start then id.
export class SearchProviderEventsPayload {
  @IsOptional() @IsISO8601({ strict: true }) starts_at?: string;
  @IsOptional() @IsISO8601({ strict: true }) ends_at?: string;
}

export interface ProviderEventHit extends ProviderEventView {
  starts_at: string; // the instants, for a caller that filters a cached superset
  ends_at: string;
}

export interface SearchProviderEventsReply {
  events: ProviderEventHit[];
  synced_at: string | null; // the last successful sync (changed or not): X-Data-Synced-At
  catalog_version: string; // bumped by every sync that changed the catalog
  truncated: boolean; // more plans matched than the reply's cap; `events` are the first of them by start, then id
}

export const SYNC_TRIGGERS = ['startup', 'schedule', 'admin'] as const;
export type SyncTrigger = (typeof SYNC_TRIGGERS)[number];
export type SyncRunStatus = 'running' | 'succeeded' | 'failed' | 'skipped';
export type CircuitStateName = 'closed' | 'open' | 'half_open';

// gateway -> scheduler (RPC): start a sync now, or answer with the one already running.
export class StartProviderSyncPayload {
  @IsIn(SYNC_TRIGGERS) trigger: SyncTrigger;
}

export interface SyncRunView {
  id: string;
  status: SyncRunStatus;
  started_at: string;
  finished_at: string | null;
  new: number;
  changed: number;
  unchanged: number;
  invalid: number;
  error: string | null;
}

// POST /admin/sync -> 202 with this.
export interface StartProviderSyncReply {
  id: string;
  status: SyncRunStatus;
  started_at: string;
}

// GET /admin/sync/status.
export interface ProviderSyncStatusReply {
  circuit: CircuitStateName;
  last_synced_at: string | null;
  runs: SyncRunView[];
}

// The catalog's freshness, written to Redis by the scheduler after every successful sync
// (key PROVIDER_CATALOG_STATE_KEY): gateways learn from it when their cached searches are out of date.
export const PROVIDER_CATALOG_STATE_KEY = 'provider:catalog:state';
export interface ProviderCatalogState {
  catalog_version: string;
  synced_at: string | null;
}

import { QueryFailedError } from 'typeorm';
import { MalformedFeedError, SuspiciousSnapshotError } from './feed-processor.port';
import { FeedFetchError } from './fetch/feed-fetch.errors';

export interface SyncErrorReport {
  message: string; // short and human: no stack, no SQL, no host names
  details: Record<string, unknown>;
}

const MAX_MESSAGE = 300;
const clip = (text: string) => (text.length > MAX_MESSAGE ? `${text.slice(0, MAX_MESSAGE - 1)}…` : text);

const SQLSTATE_MESSAGES: Record<string, string> = {
  '42P01': 'the provider catalog tables are missing (core runs the migrations; the next sync retries)',
  '57014': 'writing the provider catalog took too long (statement timeout)',
  '40001': 'the provider catalog write conflicted with another and was rolled back',
  '40P01': 'the provider catalog write conflicted with another and was rolled back',
  '57P01': 'the database connection was lost',
  '08003': 'the database connection was lost',
  '08006': 'the database connection was lost',
};

const CONNECTION_LOST = /connection terminated|ECONNREFUSED|ECONNRESET|Connection is not established/i;

const sqlState = (error: unknown): string | undefined => {
  const code = (error as { driverError?: { code?: unknown }; code?: unknown }).driverError?.code ?? (error as { code?: unknown }).code;
  return typeof code === 'string' && /^[0-9A-Z]{5}$/.test(code) ? code : undefined;
};

// What a failed sync records in its run (the full error goes to the log, not here).
export function describeSyncError(error: unknown): SyncErrorReport {
  if (error instanceof FeedFetchError) return { message: clip(error.message), details: { failure: error.failure, ...error.details } };
  if (error instanceof SuspiciousSnapshotError) {
    return {
      message: clip(`suspicious snapshot ignored, nothing changed: ${error.message}`),
      details: { failure: 'suspicious_snapshot', plans: error.plans, previous_plan_count: error.previousPlanCount },
    };
  }
  if (error instanceof MalformedFeedError) return { message: clip(`malformed feed, nothing changed: ${error.message}`), details: { failure: 'malformed_feed' } };
  if (error instanceof QueryFailedError) {
    const state = sqlState(error);
    const message = (state && SQLSTATE_MESSAGES[state]) ?? `storing the provider catalog failed (SQLSTATE ${state ?? 'unknown'})`;
    return { message, details: { failure: 'storage', sqlstate: state } };
  }
  if (error instanceof Error && CONNECTION_LOST.test(error.message)) return { message: 'the database connection was lost', details: { failure: 'storage' } };
  return { message: 'the sync failed unexpectedly (details in the scheduler log)', details: { failure: 'unexpected' } };
}

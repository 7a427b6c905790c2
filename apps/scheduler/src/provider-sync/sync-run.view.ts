import { StartProviderSyncReply, SyncRunView } from '@app/contracts';
import { ProviderSyncRunRecord } from '@app/persistence';

export function toSyncRunView(run: ProviderSyncRunRecord): SyncRunView {
  return {
    id: run.id,
    status: run.status,
    started_at: run.startedAt.toISOString(),
    finished_at: run.finishedAt?.toISOString() ?? null,
    new: run.new,
    changed: run.changed,
    unchanged: run.unchanged,
    invalid: run.invalid,
    error: run.error,
  };
}

export function toStartReply(run: ProviderSyncRunRecord): StartProviderSyncReply {
  return { id: run.id, status: run.status, started_at: run.startedAt.toISOString() };
}

import { useState } from 'preact/hooks';
import { api } from '../api';
import { Empty, ErrorNote, Loading, useLoad } from '../ui';

interface SyncRun {
  id: string;
  status: string;
  started_at: string;
  finished_at: string | null;
  new: number;
  changed: number;
  unchanged: number;
  invalid: number;
  error: string | null;
}

interface SyncStatus {
  circuit: 'closed' | 'open' | 'half_open';
  last_synced_at: string | null;
  runs: SyncRun[];
}

export function ProviderView() {
  const status = useLoad(() => api<SyncStatus>('/admin/sync/status'), []);
  const [started, setStarted] = useState<{ id: string; status: string }>();
  const [syncError, setSyncError] = useState<unknown>();

  const syncNow = () => {
    setSyncError(undefined);
    api<{ id: string; status: string }>('/admin/sync', { method: 'POST', body: '{}' })
      .then((run) => {
        setStarted(run);
        status.reload();
      })
      .catch(setSyncError);
  };

  const runs = status.data?.runs ?? [];
  return (
    <section aria-labelledby="provider-title">
      <h1 id="provider-title">Provider</h1>
      <dl class="facts">
        <dt>Circuit</dt>
        <dd>{status.data?.circuit ?? '…'}</dd>
        <dt>Last successful sync</dt>
        <dd>{status.data ? (status.data.last_synced_at ?? 'never') : '…'}</dd>
      </dl>
      <div class="toolbar">
        <button type="button" onClick={syncNow}>
          Sync now
        </button>
        <button type="button" onClick={status.reload}>
          Reload
        </button>
      </div>
      <p class="status" aria-live="polite">
        {started ? `Sync run ${started.id} (${started.status})` : ' '}
      </p>
      <ErrorNote error={syncError} />
      <ErrorNote error={status.error} />
      <Loading when={status.loading} />
      {runs.length === 0 && !status.loading ? <Empty>No sync has run yet.</Empty> : null}
      <table>
        <caption>Recent runs, newest first</caption>
        <thead>
          <tr>
            <th scope="col">Run</th>
            <th scope="col">Status</th>
            <th scope="col">Started</th>
            <th scope="col">New</th>
            <th scope="col">Changed</th>
            <th scope="col">Unchanged</th>
            <th scope="col">Invalid</th>
            <th scope="col">Error</th>
          </tr>
        </thead>
        <tbody>
          {runs.map((run) => (
            <tr key={run.id}>
              <td class="mono">{run.id}</td>
              <td>{run.status}</td>
              <td>{run.started_at}</td>
              <td>{run.new}</td>
              <td>{run.changed}</td>
              <td>{run.unchanged}</td>
              <td>{run.invalid}</td>
              <td>{run.error ?? ''}</td>
            </tr>
          ))}
        </tbody>
      </table>
    </section>
  );
}

import { useState } from 'preact/hooks';
import { api } from '../api';
import { Confirm, Empty, ErrorNote, Loading, useLoad } from '../ui';

interface DeadLetter {
  id: string;
  queue: string;
  routing_key: string;
  pattern: string | null;
  reason: string;
  payload: unknown;
  dead_lettered_at: string;
  replay_count: number;
}

export function DeadLettersView() {
  const [page, setPage] = useState(1);
  const letters = useLoad(() => api<{ data: DeadLetter[]; meta: { total_pages: number; total_count: number } }>(`/admin/dead-letters?page=${page}&page_size=20`), [page]);
  const [open, setOpen] = useState<string>();
  const rows = letters.data?.data ?? [];
  return (
    <section aria-labelledby="dead-letters-title">
      <h1 id="dead-letters-title">Dead letters</h1>
      <ErrorNote error={letters.error} />
      <Loading when={letters.loading} />
      {rows.length === 0 && !letters.loading ? <Empty>No dead letters.</Empty> : null}
      <table>
        <caption>Dead letters ({letters.data?.meta.total_count ?? 0})</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Queue</th>
            <th scope="col">Pattern</th>
            <th scope="col">Reason</th>
            <th scope="col">Replays</th>
            <th scope="col">Actions</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((letter) => (
            <tr key={letter.id}>
              <td>{letter.dead_lettered_at}</td>
              <td>{letter.queue}</td>
              <td>{letter.pattern ?? ''}</td>
              <td>{letter.reason}</td>
              <td>{letter.replay_count}</td>
              <td>
                <button type="button" aria-expanded={open === letter.id} onClick={() => setOpen(open === letter.id ? undefined : letter.id)}>
                  Details
                </button>
                <Confirm
                  label="Replay"
                  question="Replay this message?"
                  onConfirm={async () => {
                    await api('/admin/dead-letters/replay', { method: 'POST', body: JSON.stringify({ ids: [letter.id] }) });
                    letters.reload();
                  }}
                />
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? (
        <pre class="payload" tabIndex={0} aria-label="Message payload">
          {JSON.stringify(rows.find((letter) => letter.id === open)?.payload, null, 2)}
        </pre>
      ) : null}
      <nav class="pager" aria-label="Dead letter pages">
        <button type="button" disabled={page <= 1} onClick={() => setPage(page - 1)}>
          Previous page
        </button>
        <button type="button" disabled={page >= (letters.data?.meta.total_pages ?? 1)} onClick={() => setPage(page + 1)}>
          Next page
        </button>
      </nav>
    </section>
  );
}

const TARGETS = ['plans', 'orders', 'content', 'all'] as const;

export function SearchView() {
  const [runs, setRuns] = useState<Array<{ id: string; target: string; status: string; started_at: string }>>([]);
  const [error, setError] = useState<unknown>();
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search index</h1>
      <p>Rebuild a search index from Postgres. The rebuild runs in the background.</p>
      <div class="toolbar">
        {TARGETS.map((target) => (
          <Confirm
            key={target}
            label={`Reindex ${target}`}
            question={`Rebuild the ${target} index?`}
            onConfirm={async () => {
              setError(undefined);
              try {
                const run = await api<{ id: string; target: string; status: string; started_at: string }>('/admin/reindex', {
                  method: 'POST',
                  body: JSON.stringify({ target }),
                });
                setRuns((previous) => [run, ...previous]);
              } catch (caught) {
                setError(caught);
              }
            }}
          />
        ))}
      </div>
      <ErrorNote error={error} />
      <ul aria-live="polite">
        {runs.map((run) => (
          <li key={run.id}>
            {run.target}: {run.status} at {run.started_at} (run {run.id})
          </li>
        ))}
      </ul>
    </section>
  );
}

import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { Confirm, Empty, ErrorNote, Loading, Pager, useLoad } from '../ui';

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

interface DeadLetterDetail extends DeadLetter {
  exchange: string;
  headers: Record<string, unknown>;
}

interface Filter {
  queue?: string;
  pattern?: string;
  text?: string;
  from?: string;
  to?: string;
}

const QUEUES = ['', 'core.orders', 'core.rpc', 'indexer.events', 'scheduler.rpc'];

function queryOf(filter: Filter): string {
  return Object.entries(filter)
    .filter(([, value]) => value)
    .map(([key, value]) => `&${key}=${encodeURIComponent(value as string)}`)
    .join('');
}

// A datetime-local value (the browser's local time) as ISO-8601, or undefined when empty.
function isoOf(local: string): string | undefined {
  return local ? new Date(local).toISOString() : undefined;
}

function FilterForm({ onApply }: { onApply: (filter: Filter) => void }) {
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => ((form.get(name) as string | null) ?? '').trim() || undefined;
    onApply({ queue: text('queue'), pattern: text('pattern'), text: text('text'), from: isoOf(text('from') ?? ''), to: isoOf(text('to') ?? '') });
  };
  return (
    <form class="filters" onSubmit={submit} aria-label="Dead letter filters">
      <label>
        Queue
        <select name="queue">
          {QUEUES.map((queue) => (
            <option key={queue} value={queue}>
              {queue || 'any'}
            </option>
          ))}
        </select>
      </label>
      <label>
        Event type or pattern
        <input name="pattern" placeholder="orders.* or user.created" maxLength={255} />
      </label>
      <label>
        Error text
        <input name="text" maxLength={200} />
      </label>
      <label>
        From
        <input name="from" type="datetime-local" />
      </label>
      <label>
        To
        <input name="to" type="datetime-local" />
      </label>
      <button type="submit">Apply filters</button>
    </form>
  );
}

function Detail({ id }: { id: string }) {
  const detail = useLoad(() => api<DeadLetterDetail>(`/admin/dead-letters/${id}`), [id]);
  return (
    <section class="detail" aria-label="Dead letter detail">
      <ErrorNote error={detail.error} />
      {detail.data ? (
        <>
          <p>
            Died in <strong>{detail.data.queue}</strong> ({detail.data.reason}) at {detail.data.dead_lettered_at}, routing key {detail.data.routing_key}, exchange{' '}
            {detail.data.exchange || '(default)'}
          </p>
          <h3>Payload</h3>
          <pre class="payload" tabIndex={0}>
            {JSON.stringify(detail.data.payload, null, 2)}
          </pre>
          <h3>Headers</h3>
          <pre class="payload" tabIndex={0}>
            {JSON.stringify(detail.data.headers, null, 2)}
          </pre>
        </>
      ) : null}
    </section>
  );
}

// Replay after a dry run: the first step asks core how many would go, the second replays them.
function ReplayButton({ label, request, onDone }: { label: string; request: () => Record<string, unknown>; onDone: (replayed: number) => void }) {
  const [matched, setMatched] = useState<number>();
  const [error, setError] = useState<unknown>();
  const replay = (dryRun: boolean) =>
    api<{ matched: number; replayed: number }>('/admin/dead-letters/replay', { method: 'POST', body: JSON.stringify({ ...request(), dry_run: dryRun }) });
  if (matched === undefined) {
    return (
      <span>
        <button type="button" onClick={() => void replay(true).then((result) => setMatched(result.matched), setError)}>
          {label}
        </button>
        <ErrorNote error={error} />
      </span>
    );
  }
  return (
    <Confirm
      label={`${label} (${matched})`}
      question={`Dry run: ${matched} letter(s) would be replayed. Replay them?`}
      onConfirm={async () => {
        const result = await replay(false);
        setMatched(undefined);
        onDone(result.replayed);
      }}
    />
  );
}

export function DeadLettersView() {
  const [page, setPage] = useState(1);
  const [filter, setFilter] = useState<Filter>({});
  const [selected, setSelected] = useState<string[]>([]);
  const [open, setOpen] = useState<string>();
  const [outcome, setOutcome] = useState('');
  const letters = useLoad(
    () => api<{ data: DeadLetter[]; meta: { total_pages: number; total_count: number } }>(`/admin/dead-letters?page=${page}&page_size=20${queryOf(filter)}`),
    [page, filter],
  );
  const rows = letters.data?.data ?? [];
  const done = (replayed: number) => {
    setOutcome(`Replayed ${replayed} letter(s).`);
    setSelected([]);
    letters.reload();
  };
  const toggle = (id: string) => setSelected(selected.includes(id) ? selected.filter((other) => other !== id) : [...selected, id]);
  return (
    <section aria-labelledby="dead-letters-title">
      <h1 id="dead-letters-title">Dead letters</h1>
      <FilterForm
        onApply={(next) => {
          setFilter(next);
          setPage(1);
          setSelected([]);
        }}
      />
      <div class="toolbar">
        {selected.length > 0 ? <ReplayButton label={`Replay ${selected.length} selected`} request={() => ({ ids: selected })} onDone={done} /> : null}
        <ReplayButton label="Replay all matching" request={() => ({ filter })} onDone={done} />
      </div>
      <p class="status" aria-live="polite">
        {outcome || ' '}
      </p>
      <ErrorNote error={letters.error} />
      <Loading when={letters.loading} />
      {rows.length === 0 && !letters.loading ? <Empty>No dead letters match.</Empty> : null}
      <table>
        <caption>Pending dead letters, newest first ({letters.data?.meta.total_count ?? 0})</caption>
        <thead>
          <tr>
            <th scope="col">Select</th>
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
              <td>
                <input
                  type="checkbox"
                  aria-label={`Select ${letter.pattern ?? letter.id} from ${letter.dead_lettered_at}`}
                  checked={selected.includes(letter.id)}
                  onChange={() => toggle(letter.id)}
                />
              </td>
              <td>{letter.dead_lettered_at}</td>
              <td>{letter.queue}</td>
              <td>{letter.pattern ?? ''}</td>
              <td>{letter.reason}</td>
              <td>{letter.replay_count}</td>
              <td>
                <button type="button" aria-expanded={open === letter.id} onClick={() => setOpen(open === letter.id ? undefined : letter.id)}>
                  Details
                </button>
              </td>
            </tr>
          ))}
        </tbody>
      </table>
      {open ? <Detail id={open} /> : null}
      <Pager label="Dead letter pages" page={page} totalPages={letters.data?.meta.total_pages} onPage={setPage} />
    </section>
  );
}

const TARGETS = ['plans', 'orders', 'content', 'all'] as const;

interface ReindexProgress {
  id: string;
  target: string;
  status: 'queued' | 'running' | 'succeeded' | 'failed';
  parts: Partial<Record<'plans' | 'orders' | 'content', { status: string; done: number; total: number; error: string | null }>>;
}

const POLL_MS = 1000;

// A run's progress, polled until it is done.
function RunProgress({ id }: { id: string }) {
  const [progress, setProgress] = useState<ReindexProgress>();
  const [error, setError] = useState<unknown>();
  useEffect(() => {
    let timer: ReturnType<typeof setTimeout> | undefined;
    let live = true;
    const poll = () =>
      api<ReindexProgress>(`/admin/reindex/${id}`)
        .then((next) => {
          if (!live) return;
          setProgress(next);
          if (next.status === 'queued' || next.status === 'running') timer = setTimeout(poll, POLL_MS);
        })
        .catch((caught: unknown) => live && setError(caught));
    void poll();
    return () => {
      live = false;
      clearTimeout(timer);
    };
  }, [id]);
  return (
    <li>
      <p>
        Run {id}: <strong>{progress?.status ?? 'starting'}</strong>
      </p>
      <ErrorNote error={error} />
      {Object.entries(progress?.parts ?? {}).map(([part, value]) => (
        <div key={part} class="progress">
          <label>
            {part}: {value.done} of {value.total} ({value.status})
            <progress max={Math.max(value.total, 1)} value={value.status === 'succeeded' ? Math.max(value.total, 1) : value.done} />
          </label>
          {value.error ? <p class="error">{value.error}</p> : null}
        </div>
      ))}
    </li>
  );
}

export function SearchView() {
  const [runs, setRuns] = useState<string[]>([]);
  const [error, setError] = useState<unknown>();
  return (
    <section aria-labelledby="search-title">
      <h1 id="search-title">Search index</h1>
      <p>Rebuild a search index from Postgres. The rebuild runs in the background; its progress shows below.</p>
      <div class="toolbar">
        {TARGETS.map((target) => (
          <Confirm
            key={target}
            label={`Reindex ${target}`}
            question={`Rebuild the ${target} index?`}
            onConfirm={async () => {
              setError(undefined);
              try {
                const run = await api<{ id: string }>('/admin/reindex', { method: 'POST', body: JSON.stringify({ target }) });
                setRuns((previous) => [run.id, ...previous]);
              } catch (caught) {
                setError(caught);
              }
            }}
          />
        ))}
      </div>
      <ErrorNote error={error} />
      <ul class="plain" aria-live="polite">
        {runs.map((id) => (
          <RunProgress key={id} id={id} />
        ))}
      </ul>
    </section>
  );
}

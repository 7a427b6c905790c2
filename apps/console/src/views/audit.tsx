import { useState } from 'preact/hooks';
import { api } from '../api';
import { Empty, ErrorNote, Loading, Pager, useLoad } from '../ui';

interface AuditEvent {
  id: string;
  at: string;
  action: string;
  outcome: 'success' | 'failure';
  actor: { id: string; role: string } | null;
  target: { type: string; id: string } | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

interface AuditPage {
  data: AuditEvent[];
  meta: { page: number; total_pages: number; total_count: number };
}

type Filter = Partial<Record<'action' | 'actor_id' | 'target_type' | 'outcome' | 'request_id', string>>;

// "How many" of an event: a replay names its count, a batch its size; otherwise one.
function countOf(event: AuditEvent): string {
  const { details } = event;
  for (const key of ['replayed', 'matched', 'count']) if (typeof details[key] === 'number') return String(details[key]);
  return '1';
}

function describe(details: Record<string, unknown>): string {
  return Object.entries(details)
    .map(([key, value]) => `${key}: ${typeof value === 'string' ? value : JSON.stringify(value)}`)
    .join(', ');
}

// The audit log (GET /admin/audit): every admin action, login attempt and data change, newest first.
export function AuditView() {
  const [filter, setFilter] = useState<Filter>({});
  const [page, setPage] = useState(1);
  const query = Object.entries(filter)
    .filter(([, value]) => value)
    .map(([key, value]) => `&${key}=${encodeURIComponent(value)}`)
    .join('');
  const events = useLoad(() => api<AuditPage>(`/admin/audit?page=${page}&page_size=25${query}`), [page, query]);
  const rows = events.data?.data ?? [];
  const submit = (event: Event) => {
    event.preventDefault();
    const form = new FormData(event.currentTarget as HTMLFormElement);
    const text = (name: string) => ((form.get(name) as string | null) ?? '').trim() || undefined;
    setPage(1);
    setFilter({ action: text('action'), actor_id: text('actor_id'), target_type: text('target_type'), outcome: text('outcome'), request_id: text('request_id') });
  };
  return (
    <section aria-labelledby="audit-title">
      <h1 id="audit-title">Audit</h1>
      <form class="filters" onSubmit={submit} aria-label="Audit filters">
        <label>
          Action
          <input name="action" placeholder="e.g. dead_letters.replayed" />
        </label>
        <label>
          Actor id
          <input name="actor_id" />
        </label>
        <label>
          Target type
          <input name="target_type" placeholder="user, plan, order…" />
        </label>
        <label>
          Outcome
          <select name="outcome">
            <option value="">any</option>
            <option value="success">success</option>
            <option value="failure">failure</option>
          </select>
        </label>
        <label>
          Request id
          <input name="request_id" />
        </label>
        <button type="submit">Apply filters</button>
      </form>
      <ErrorNote error={events.error} />
      <Loading when={events.loading} />
      {rows.length === 0 && !events.loading ? <Empty>No audit events match.</Empty> : null}
      <table>
        <caption>Audit events, newest first ({events.data?.meta.total_count ?? 0})</caption>
        <thead>
          <tr>
            <th scope="col">When</th>
            <th scope="col">Who</th>
            <th scope="col">What</th>
            <th scope="col">Outcome</th>
            <th scope="col">Target</th>
            <th scope="col">How many</th>
            <th scope="col">Request id</th>
            <th scope="col">Details</th>
          </tr>
        </thead>
        <tbody>
          {rows.map((event) => (
            <tr key={event.id}>
              <td>{new Date(event.at).toLocaleString()}</td>
              <td>{event.actor ? `${event.actor.role} ${event.actor.id}` : 'anonymous'}</td>
              <td>{event.action}</td>
              <td>{event.outcome}</td>
              <td>{event.target ? `${event.target.type} ${event.target.id}` : ''}</td>
              <td>{countOf(event)}</td>
              <td>{event.request_id ?? ''}</td>
              <td>{describe(event.details)}</td>
            </tr>
          ))}
        </tbody>
      </table>
      <Pager label="Audit pages" page={page} totalPages={events.data?.meta.total_pages} onPage={setPage} />
    </section>
  );
}

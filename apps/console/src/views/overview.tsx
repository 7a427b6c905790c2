import type { ComponentChildren } from 'preact';
import { useEffect, useState } from 'preact/hooks';
import { api } from '../api';
import { ErrorNote, useLoad } from '../ui';

interface Overview {
  generated_at: string;
  apps: Array<{ name: string; state: 'up' | 'down'; detail: string }>;
  queues: Array<{ name: string; ready: number | null; unacked: number | null; consumers: number | null }>;
  unacked_unknown: string | null;
  dead_letters: number | null;
  index_lag: { outbox_pending: number; outbox_oldest_age_seconds: number | null; events_ready: number | null } | null;
  provider: { circuit: string; last_synced_at: string | null } | null;
  sales_view: { refreshed_at: string | null; age_seconds: number | null } | null;
  problems: Array<{ part: string; message: string }>;
}

const REFRESH_MS = 5000;

function age(seconds: number | null | undefined): string {
  if (seconds === null || seconds === undefined) return 'unknown';
  if (seconds < 90) return `${Math.round(seconds)} s`;
  if (seconds < 5400) return `${Math.round(seconds / 60)} min`;
  return `${(seconds / 3600).toFixed(1)} h`;
}

function Tile({
  title,
  href,
  go,
  children,
  alert,
  wide,
}: {
  title: string;
  href: string;
  go: (path: string) => void;
  children: ComponentChildren;
  alert?: boolean;
  wide?: boolean;
}) {
  return (
    <section class={['tile', alert ? 'alert' : '', wide ? 'wide' : ''].filter(Boolean).join(' ')} aria-label={title}>
      <h2>
        <a
          href={`/admin/${href}`}
          onClick={(event) => {
            event.preventDefault();
            go(href);
          }}
        >
          {title}
        </a>
      </h2>
      {children}
    </section>
  );
}

// One screen that puts the platform's parts side by side, refreshed every few seconds unless paused.
export function OverviewView({ go }: { go: (path: string) => void }) {
  const overview = useLoad(() => api<Overview>('/admin/overview'), []);
  const [paused, setPaused] = useState(false);
  const { reload } = overview;
  useEffect(() => {
    if (paused) return;
    const timer = setInterval(reload, REFRESH_MS);
    return () => clearInterval(timer);
  }, [paused, reload]);

  const data = overview.data;
  return (
    <section aria-labelledby="overview-title">
      <h1 id="overview-title">Overview</h1>
      <div class="toolbar">
        <button type="button" aria-pressed={paused} onClick={() => setPaused(!paused)}>
          {paused ? 'Resume auto-refresh' : 'Pause auto-refresh'}
        </button>
        <span class="status" aria-live="polite">
          {data ? `Updated ${new Date(data.generated_at).toLocaleTimeString()}` : 'Loading…'}
        </span>
      </div>
      <ErrorNote error={overview.error} />
      {data?.problems.length ? (
        <p class="error" role="alert">
          Not answering: {data.problems.map((problem) => `${problem.part} (${problem.message})`).join(', ')}
        </p>
      ) : null}
      <div class="tiles">
        <Tile title="Apps" href="overview" go={go} alert={data?.apps.some((app) => app.state !== 'up')}>
          <ul class="plain">
            {(data?.apps ?? []).map((app) => (
              <li key={app.name}>
                <strong>{app.name}</strong>: {app.state} <span class="muted">({app.detail})</span>
              </li>
            ))}
          </ul>
        </Tile>
        <Tile title="Queues" href="dead-letters" go={go} wide>
          <table class="queues">
            <caption class="visually-hidden">Queue depth (ready and unacked) and consumers</caption>
            <thead>
              <tr>
                <th scope="col">Queue</th>
                <th scope="col">Ready</th>
                <th scope="col">Unacked</th>
                <th scope="col">Consumers</th>
              </tr>
            </thead>
            <tbody>
              {(data?.queues ?? []).map((queue) => (
                <tr key={queue.name}>
                  {/* Names wrap only after a dot on a narrow screen. */}
                  <td>{queue.name.split('.').map((part, index) => (index ? [<wbr key={index} />, `.${part}`] : part))}</td>
                  <td>{queue.ready ?? '?'}</td>
                  <td>{queue.unacked ?? '?'}</td>
                  <td>{queue.consumers ?? '?'}</td>
                </tr>
              ))}
            </tbody>
          </table>
          {/* Always one line, so nothing moves when the data arrives. */}
          <p class="muted">
            {!data ? '\u00a0' : data.unacked_unknown ? `Unacked unknown: ${data.unacked_unknown}` : 'Unacked as the broker last sampled it (every few seconds)'}
          </p>
        </Tile>
        <Tile title="Index lag" href="search" go={go} alert={(data?.index_lag?.outbox_oldest_age_seconds ?? 0) > 1}>
          <p>
            {data?.index_lag
              ? `${data.index_lag.outbox_pending} event(s) unpublished, oldest ${age(data.index_lag.outbox_oldest_age_seconds ?? 0)}; ${data.index_lag.events_ready ?? '?'} waiting for the indexer`
              : 'unknown'}
          </p>
        </Tile>
        <Tile title="Provider" href="provider" go={go} alert={data?.provider?.circuit === 'open'}>
          <p>
            Circuit {data?.provider?.circuit ?? 'unknown'}; last successful sync {data?.provider?.last_synced_at ?? 'never'}
          </p>
        </Tile>
        <Tile title="Dead letters" href="dead-letters" go={go} alert={(data?.dead_letters ?? 0) > 0}>
          <p>{data?.dead_letters ?? 'unknown'} pending</p>
        </Tile>
        <Tile title="Sales view" href="sales" go={go}>
          <p>Refreshed {data?.sales_view?.refreshed_at ? `${age(data.sales_view.age_seconds)} ago` : 'never'}</p>
        </Tile>
      </div>
    </section>
  );
}

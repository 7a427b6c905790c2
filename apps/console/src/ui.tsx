import type { ComponentChildren } from 'preact';
import { useCallback, useEffect, useRef, useState } from 'preact/hooks';
import { ApiError } from './api';

// Every API error shows the envelope's message and its request id (what an operator quotes to find the logs).
export function ErrorNote({ error }: { error: unknown }) {
  if (!error) return null;
  const apiError = error instanceof ApiError ? error : undefined;
  return (
    <p class="error" role="alert">
      {apiError ? `${apiError.message} (${apiError.code})` : error instanceof Error ? error.message : 'Something went wrong'}
      {apiError?.requestId ? <span class="request-id"> · request id {apiError.requestId}</span> : null}
    </p>
  );
}

// Loads on mount and when `deps` change; `reload` runs it again. Keeps the last data while reloading, so the page
// does not jump.
export function useLoad<T>(load: () => Promise<T>, deps: unknown[]): { data: T | undefined; error: unknown; loading: boolean; reload: () => void } {
  const [data, setData] = useState<T>();
  const [error, setError] = useState<unknown>();
  const [loading, setLoading] = useState(true);
  const [tick, setTick] = useState(0);
  useEffect(() => {
    let live = true;
    setLoading(true);
    load()
      .then((value) => live && (setData(value), setError(undefined)))
      .catch((caught: unknown) => live && setError(caught))
      .finally(() => live && setLoading(false));
    return () => {
      live = false;
    };
  }, [...deps, tick]);
  return { data, error, loading, reload: useCallback(() => setTick((n) => n + 1), []) };
}

export function Loading({ when }: { when: boolean }) {
  return (
    <p class="status" aria-live="polite">
      {when ? 'Loading…' : ' '}
    </p>
  );
}

export function Empty({ children }: { children: ComponentChildren }) {
  return <p class="empty">{children}</p>;
}

// An action behind a confirmation: the first button asks, the second does it. Focus moves to the question.
export function Confirm({ label, question, onConfirm }: { label: string; question: string; onConfirm: () => Promise<void> }) {
  const [asking, setAsking] = useState(false);
  const [error, setError] = useState<unknown>();
  const [busy, setBusy] = useState(false);
  const confirmRef = useRef<HTMLButtonElement>(null);
  useEffect(() => {
    if (asking) confirmRef.current?.focus();
  }, [asking]);
  if (!asking) {
    return (
      <button type="button" onClick={() => setAsking(true)}>
        {label}
      </button>
    );
  }
  return (
    <span class="confirm" role="group" aria-label={question}>
      <span>{question}</span>
      <button
        ref={confirmRef}
        type="button"
        class="danger"
        disabled={busy}
        onClick={() => {
          setBusy(true);
          onConfirm()
            .then(() => setAsking(false))
            .catch(setError)
            .finally(() => setBusy(false));
        }}
      >
        Confirm
      </button>
      <button type="button" onClick={() => setAsking(false)}>
        Cancel
      </button>
      <ErrorNote error={error} />
    </span>
  );
}

// Previous / next pages of a list, with where it stands.
export function Pager({ label, page, totalPages, onPage }: { label: string; page: number; totalPages: number | undefined; onPage: (page: number) => void }) {
  const last = totalPages ?? 1;
  return (
    <nav class="pager" aria-label={label}>
      <button type="button" disabled={page <= 1} onClick={() => onPage(page - 1)}>
        Previous page
      </button>
      <span>
        Page {page} of {last}
      </span>
      <button type="button" disabled={page >= last} onClick={() => onPage(page + 1)}>
        Next page
      </button>
    </nav>
  );
}

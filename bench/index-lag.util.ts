import { pacedLoad, PacedLoadResult } from './paced-load.util';
import { diffHistogram, fractionAtMost, HistogramSnapshot, quantileUpperBound, readHistogram } from './prometheus.util';

export const LAG_METRIC = 'index_lag_seconds';
const POLL_MS = 100;

// Events the indexer must have counted before it is caught up, by event type. The harness derives it from the
// project's outbox (every row is published to the indexer's queue) plus what it queued itself.
export type EventLedger = Map<string, number>;
export type ExpectedEvents = () => Promise<EventLedger>;

export async function scrapeMetrics(metricsUrl: string): Promise<string> {
  const response = await fetch(metricsUrl, { signal: AbortSignal.timeout(5000) });
  if (response.status !== 200) throw new Error(`${metricsUrl}: HTTP ${response.status}`);
  return response.text();
}

// Polls the indexer's metrics until every event type has at least the ledger's count of lag observations (the
// indexer records one per event it applied). Returns the scrape that showed it; throws at the deadline.
export async function waitForIndexer(metricsUrl: string, ledger: EventLedger, timeoutMs: number, check: () => void): Promise<string> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    check();
    const text = await scrapeMetrics(metricsUrl);
    const behind = [...ledger]
      .map(([eventType, expected]) => ({ eventType, expected, seen: readHistogram(text, LAG_METRIC, { event_type: eventType }).count }))
      .filter(({ seen, expected }) => seen < expected);
    if (behind.length === 0) return text;
    if (Date.now() > deadline) {
      const detail = behind.map(({ eventType, seen, expected }) => `${eventType} ${seen}/${expected}`).join(', ');
      throw new Error(`the indexer did not catch up within ${timeoutMs} ms (${detail})`);
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

export interface WriteLoad {
  url: string;
  headers: Record<string, string>;
  body: (index: number) => string;
  eventType: string; // the event each successful write produces
  expectStatus: number;
  maxInFlight: number;
}

export interface LagRun {
  load: PacedLoadResult;
  succeeded: number;
  lag: HistogramSnapshot; // this run's observations only
  drainS: number; // last write answered -> last event indexed (within one poll)
}

export interface LagSummary {
  p50S: number;
  p99S: number;
  underOneS: number;
}

export function summarizeLag(lag: HistogramSnapshot): LagSummary {
  return { p50S: quantileUpperBound(lag, 0.5), p99S: quantileUpperBound(lag, 0.99), underOneS: fractionAtMost(lag, 1) };
}

export function assertWritesClean(label: string, load: PacedLoadResult, status: number): number {
  const problems = Object.entries(load.statuses)
    .filter(([code]) => Number(code) !== status)
    .map(([code, count]) => `${count} x HTTP ${code}`);
  if (load.errors > 0) problems.push(`${load.errors} errors (first: ${load.firstError})`);
  if (load.sent === 0) problems.push('nothing sent');
  if (problems.length > 0) throw new Error(`${label}: ${problems.join(', ')} (every response must be HTTP ${status})`);
  return load.statuses[status] ?? 0;
}

// One paced run of writes; the lag distribution is the difference of two scrapes taken while the indexer was
// idle (before: caught up with everything earlier; after: caught up with this run), so nothing else is in it.
export async function measureIndexLag(
  label: string,
  metricsUrl: string,
  expected: ExpectedEvents,
  write: WriteLoad,
  rate: { ratePerSecond: number; durationS: number },
  catchUpTimeoutMs: number,
  check: () => void,
): Promise<LagRun> {
  const before = await waitForIndexer(metricsUrl, await expected(), catchUpTimeoutMs, check);
  const load = await pacedLoad({ ...write, method: 'POST', ...rate, timeoutMs: 10_000 });
  const succeeded = assertWritesClean(label, load, write.expectStatus);
  const answeredAt = Date.now();
  const after = await waitForIndexer(metricsUrl, await expected(), catchUpTimeoutMs, check);
  const drainS = (Date.now() - answeredAt) / 1000;
  const labels = { event_type: write.eventType };
  const lag = diffHistogram(readHistogram(after, LAG_METRIC, labels), readHistogram(before, LAG_METRIC, labels));
  return { load, succeeded, lag, drainS };
}

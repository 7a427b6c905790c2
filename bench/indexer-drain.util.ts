import { randomUUID } from 'node:crypto';
import type { ConfirmChannel } from 'amqplib';
import { LAG_METRIC, scrapeMetrics } from './index-lag.util';
import { cpuMicros } from './proc-stats.util';
import { readHistogram } from './prometheus.util';

// The indexer's own drain rate: plan events put on its queue while it is stopped, then timed as it applies them.

const PUBLISH_CHUNK = 500;
const POLL_MS = 100;

export interface QueuedEvents {
  eventType: string;
  count: number;
}

// Published exactly as the outbox relay publishes a plan event (same exchange, routing key, envelope and
// properties), with confirms, a chunk at a time.
export async function queuePlanEvents(
  channel: ConfirmChannel,
  exchange: string,
  eventType: string,
  count: number,
  plan: (index: number) => { objectId: string; document: object; actorId: string },
): Promise<QueuedEvents> {
  for (let start = 0; start < count; start += PUBLISH_CHUNK) {
    const confirms: Promise<void>[] = [];
    for (let index = start; index < Math.min(count, start + PUBLISH_CHUNK); index += 1) {
      const { objectId, document, actorId } = plan(index);
      const now = new Date();
      const eventId = randomUUID();
      const metadata = { created_by: actorId, created_at: now.toISOString(), updated_by: actorId, updated_at: now.toISOString() };
      const payload = { event_type: eventType, event_id: eventId, timestamp: now.toISOString(), data: { objectId, version: index + 1, document, metadata } };
      const content = Buffer.from(JSON.stringify({ pattern: eventType, data: payload }));
      const options = {
        persistent: true,
        messageId: eventId,
        contentType: 'application/json',
        timestamp: Math.floor(now.getTime() / 1000),
        headers: { 'x-request-id': `bench-drain-${index}` },
      };
      confirms.push(
        new Promise((resolve, reject) => channel.publish(exchange, eventType, content, options, (error: Error | null) => (error ? reject(error) : resolve()))),
      );
    }
    await Promise.all(confirms);
  }
  return { eventType, count };
}

export interface DrainTiming {
  measuredEvents: number;
  seconds: number;
  eventsPerSec: number;
  cpuUsPerEvent: number;
}

// Polls the indexer's lag histogram from its start: the rate is taken between the first scrape that saw an
// event applied and the one that saw the last, so start-up time is left out, and so is the CPU it cost.
export async function timeDrain(metricsUrl: string, queued: QueuedEvents, pid: number, timeoutMs: number, check: () => void): Promise<DrainTiming> {
  const deadline = Date.now() + timeoutMs;
  let first: { at: number; count: number; cpu: number } | undefined;
  for (;;) {
    check();
    if (Date.now() > deadline)
      throw new Error(`the indexer did not apply ${queued.count} queued events within ${timeoutMs} ms (first progress: ${first?.count ?? 'none'})`);
    let text: string | undefined;
    try {
      text = await scrapeMetrics(metricsUrl);
    } catch {
      // still starting
    }
    const at = performance.now();
    const cpu = cpuMicros(pid);
    const count = text === undefined ? 0 : readHistogram(text, LAG_METRIC, { event_type: queued.eventType }).count;
    if (count > 0 && !first) {
      if (count >= queued.count) throw new Error(`the indexer applied all ${queued.count} events before its first scrape: queue more (BENCH_DRAIN_EVENTS)`);
      first = { at, count, cpu };
    }
    if (first && count >= queued.count) {
      const seconds = (at - first.at) / 1000;
      const measuredEvents = count - first.count;
      return { measuredEvents, seconds, eventsPerSec: measuredEvents / seconds, cpuUsPerEvent: (cpu - first.cpu) / measuredEvents };
    }
    await new Promise((resolve) => setTimeout(resolve, POLL_MS));
  }
}

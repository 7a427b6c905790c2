import { Inject, Injectable } from '@nestjs/common';
import { GATEWAY_CONFIG, GatewayConfig } from '../config/gateway.config';

export const MANAGEMENT_TIMEOUT_MS = 1000;
// The broker refreshes these numbers every collect_statistics_interval (5 s by default): asking more often is waste.
export const MANAGEMENT_CACHE_MS = 2000;

// Unacked messages per queue, or why they are unknown.
export type UnackedCounts = { counts: Map<string, number>; reason: null } | { counts: null; reason: string };

interface ManagementTarget {
  queuesUrl: string;
  authorization: string | undefined;
}

// Where the vhost's queues are listed: the URL's path is the vhost (KEDA's format), else RABBITMQ_URL's vhost.
export function managementTarget(managementUrl: string, rabbitmqUrl: string): ManagementTarget {
  const url = new URL(managementUrl);
  const own = url.pathname.replace(/^\/+|\/+$/g, '');
  const vhost = own ? decodeURIComponent(own) : decodeURIComponent(new URL(rabbitmqUrl).pathname.slice(1)) || '/';
  const authorization = url.username ? `Basic ${Buffer.from(`${decodeURIComponent(url.username)}:${decodeURIComponent(url.password)}`).toString('base64')}` : undefined;
  return { queuesUrl: `${url.origin}/api/queues/${encodeURIComponent(vhost)}?columns=name,messages_unacknowledged`, authorization };
}

// The Overview's unacked counts from the RabbitMQ management API (rabbitmq_management): one GET for the vhost's
// queues, a short timeout, one answer (or failure) shared for MANAGEMENT_CACHE_MS.
@Injectable()
export class BrokerManagementClient {
  private readonly target: ManagementTarget | undefined;
  private cached: { at: number; answer: Promise<UnackedCounts> } | undefined;

  constructor(@Inject(GATEWAY_CONFIG) config: Pick<GatewayConfig, 'RABBITMQ_MANAGEMENT_URL' | 'RABBITMQ_URL'>) {
    this.target = config.RABBITMQ_MANAGEMENT_URL ? managementTarget(config.RABBITMQ_MANAGEMENT_URL, config.RABBITMQ_URL) : undefined;
  }

  unacked(): Promise<UnackedCounts> {
    if (!this.target) return Promise.resolve({ counts: null, reason: 'RABBITMQ_MANAGEMENT_URL is not set' });
    const now = Date.now();
    if (!this.cached || now - this.cached.at >= MANAGEMENT_CACHE_MS) this.cached = { at: now, answer: this.fetch(this.target) };
    return this.cached.answer;
  }

  private async fetch({ queuesUrl, authorization }: ManagementTarget): Promise<UnackedCounts> {
    try {
      const response = await fetch(queuesUrl, {
        headers: authorization ? { authorization } : {},
        signal: AbortSignal.timeout(MANAGEMENT_TIMEOUT_MS),
      });
      if (!response.ok) return { counts: null, reason: `the management API answered ${response.status}` };
      const queues: unknown = await response.json();
      if (!Array.isArray(queues)) return { counts: null, reason: 'the management API answered something other than a list of queues' };
      const counts = new Map<string, number>();
      for (const queue of queues as Array<{ name?: unknown; messages_unacknowledged?: unknown }>) {
        // A queue the broker has not sampled yet has no count: treat it as unknown, not 0.
        if (typeof queue.name === 'string' && typeof queue.messages_unacknowledged === 'number') counts.set(queue.name, queue.messages_unacknowledged);
      }
      return { counts, reason: null };
    } catch (error) {
      const timedOut = error instanceof Error && error.name === 'TimeoutError';
      return { counts: null, reason: timedOut ? `the management API did not answer within ${MANAGEMENT_TIMEOUT_MS} ms` : 'the management API is unreachable' };
    }
  }
}

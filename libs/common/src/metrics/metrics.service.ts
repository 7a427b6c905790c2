import { Injectable } from '@nestjs/common';
import { getHeapStatistics } from 'node:v8';
import { collectDefaultMetrics, Counter, Gauge, Histogram, Registry } from 'prom-client';
import { OutageLog } from '../logging/outage.log';

// One registry per app instance (not the global one), so several apps can share a process in tests.
@Injectable()
export class MetricsService {
  readonly registry = new Registry();
  readonly httpDuration: Histogram<'method' | 'route' | 'status'>;
  readonly messageDuration: Histogram<'pattern' | 'outcome'>;
  readonly cacheLookups: Counter<'cache' | 'result'>;
  readonly inFlight: Gauge;
  readonly dependencyFailures: Counter<'dependency' | 'operation'>;
  private readonly outages = new Map<string, OutageLog>();

  constructor() {
    collectDefaultMetrics({ register: this.registry });
    this.httpDuration = new Histogram({
      name: 'http_request_duration_seconds',
      help: 'HTTP request latency',
      labelNames: ['method', 'route', 'status'],
      buckets: [0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5],
      registers: [this.registry],
    });
    this.messageDuration = new Histogram({
      name: 'rmq_message_duration_seconds',
      help: 'Time to handle one RabbitMQ message, by pattern and outcome',
      labelNames: ['pattern', 'outcome'],
      buckets: [0.001, 0.005, 0.01, 0.05, 0.1, 0.5, 1, 5],
      registers: [this.registry],
    });
    this.cacheLookups = new Counter({
      name: 'cache_lookups_total',
      help: 'Cache lookups by cache and result (hit, miss, bypass); hit ratio = hit / all',
      labelNames: ['cache', 'result'],
      registers: [this.registry],
    });
    // The default metrics have the heap's size and use, not its limit (NODE_OPTIONS --max-old-space-size): alert
    // on nodejs_heap_size_used_bytes / this before the container's memory limit is reached.
    new Gauge({
      name: 'nodejs_heap_size_limit_bytes',
      help: 'V8 heap size limit (--max-old-space-size plus the young generation)',
      registers: [this.registry],
      collect() {
        this.set(getHeapStatistics().heap_size_limit);
      },
    });
    this.inFlight = new Gauge({ name: 'rmq_messages_in_flight', help: 'Messages being handled now', registers: [this.registry] });
    this.dependencyFailures = new Counter({
      name: 'dependency_failures_total',
      help: 'Operations that failed because a dependency (redis, ...) was unavailable, by dependency and operation',
      labelNames: ['dependency', 'operation'],
      registers: [this.registry],
    });
  }

  // The app's one outage log per dependency: every caller shares its state, so an outage logs once.
  outage(dependency: string): OutageLog {
    let log = this.outages.get(dependency);
    if (!log) {
      log = new OutageLog(dependency, this.dependencyFailures);
      this.outages.set(dependency, log);
    }
    return log;
  }

  gauge(name: string, help: string, collect: () => Promise<number> | number): Gauge {
    return new Gauge({
      name,
      help,
      registers: [this.registry],
      async collect() {
        this.set(await collect());
      },
    });
  }
}

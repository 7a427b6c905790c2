import { PublicRoute, SkipRateLimit } from '../http/route-access.decorators';
import { DomainError } from '../errors/domain.error';
import { Controller, DynamicModule, Get, Inject, Module, Provider } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { Gauge } from 'prom-client';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { shutdownSignalReceived } from '../lifecycle/startup';
import { MetricsService } from '../metrics/metrics.service';

export interface ReadinessCheck {
  name: string;
  check: () => Promise<void>;
}

export const READINESS_CHECKS = Symbol('READINESS_CHECKS');
const CHECK_TIMEOUT_MS = 2000;

function withTimeout(promise: Promise<void>, ms: number): Promise<void> {
  return Promise.race([promise, new Promise<void>((_, reject) => setTimeout(() => reject(new Error(`no answer within ${ms} ms`)), ms).unref())]);
}

@PublicRoute()
@SkipRateLimit()
@ApiExcludeController()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    private readonly indicator: HealthIndicatorService,
    @Inject(READINESS_CHECKS) private readonly checks: ReadinessCheck[],
    metrics: MetricsService,
  ) {
    // The readiness checks again at scrape time, so Prometheus sees "running but not ready" (alert AppNotReady).
    // Both gauges share one run of the checks per scrape.
    let probe: Promise<number[]> | undefined;
    const results = (): Promise<number[]> =>
      (probe ??= Promise.all(
        this.checks.map(({ check }) =>
          withTimeout(check(), CHECK_TIMEOUT_MS).then(
            () => 1,
            () => 0,
          ),
        ),
      ).finally(() => {
        probe = undefined;
      }));
    new Gauge({
      name: 'app_ready',
      help: '1 when /health/ready would answer 200, 0 when it would answer 503',
      registers: [metrics.registry],
      async collect() {
        const up = await results();
        this.set(shutdownSignalReceived() || up.includes(0) ? 0 : 1);
      },
    });
    const named = this.checks.map(({ name }) => name);
    new Gauge({
      name: 'readiness_check_up',
      help: 'Each readiness check at scrape time: 1 up, 0 down',
      labelNames: ['check'],
      registers: [metrics.registry],
      async collect() {
        const up = await results();
        named.forEach((name, index) => this.set({ check: name }, up[index]));
      },
    });
  }

  @Get('live')
  live() {
    return { status: 'ok' };
  }

  // 503 with each dependency's state when any check fails (states only: no hosts or driver messages).
  @Get('ready')
  @HealthCheck()
  async ready() {
    if (shutdownSignalReceived()) throw new DomainError('SERVICE_UNAVAILABLE', 'Not ready: shutting down', { checks: { shutdown: 'down' } });
    try {
      return await this.checkAll();
    } catch (error) {
      const report = (error as { response?: { details?: Record<string, { status: string }> } }).response?.details ?? {};
      const checks = Object.fromEntries(Object.entries(report).map(([name, result]) => [name, result.status]));
      throw new DomainError('SERVICE_UNAVAILABLE', 'Not ready: a dependency is down', { checks });
    }
  }

  private checkAll() {
    return this.health.check(
      this.checks.map(({ name, check }) => async () => {
        const session = this.indicator.check(name);
        try {
          await withTimeout(check(), CHECK_TIMEOUT_MS);
          return session.up();
        } catch (error) {
          return session.down({ message: error instanceof Error ? error.message : String(error) });
        }
      }),
    );
  }
}

@Module({})
export class HealthModule {
  // `checks` is a provider for READINESS_CHECKS built from the app's own connections.
  static forRoot(checks: Provider): DynamicModule {
    return { module: HealthModule, imports: [TerminusModule.forRoot({ logger: false })], controllers: [HealthController], providers: [checks] };
  }
}

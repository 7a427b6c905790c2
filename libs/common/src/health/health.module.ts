import { PublicRoute, SkipRateLimit } from '../http/route-access.decorators';
import { DomainError } from '../errors/domain.error';
import { Controller, DynamicModule, Get, Inject, Module, Provider } from '@nestjs/common';
import { ApiExcludeController } from '@nestjs/swagger';
import { HealthCheck, HealthCheckService, HealthIndicatorService, TerminusModule } from '@nestjs/terminus';
import { shutdownSignalReceived } from '../lifecycle/startup';

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
  ) {}

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

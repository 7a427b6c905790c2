import { Logger } from '@nestjs/common';
import { Counter } from 'prom-client';

type OutageLogger = Pick<Logger, 'warn' | 'log'>;

// One log line per state change of a dependency, not one per request: a warning when it starts failing and
// one line when it answers again, with how many operations failed meanwhile. The counter still counts every
// failure (dependency_failures_total), so a rate can be graphed and alerted on.
export class OutageLog {
  private down = false;
  private since = 0;
  private affected = 0;

  constructor(
    readonly dependency: string,
    private readonly failures: Counter<'dependency' | 'operation'>,
    private readonly logger: OutageLogger = new Logger('Outage'),
    private readonly now: () => number = Date.now,
  ) {}

  get isDown(): boolean {
    return this.down;
  }

  // An operation on the dependency failed: counted always, logged only when it was up until now.
  failed(operation: string, error: unknown): void {
    this.failures.inc({ dependency: this.dependency, operation });
    this.affected++;
    if (this.down) return;
    this.down = true;
    this.since = this.now();
    this.affected = 1;
    const reason = error instanceof Error ? error.message : String(error);
    this.logger.warn(`${this.dependency} unavailable (${operation}: ${reason}); further failures are counted, not logged, until it answers again`);
  }

  // An operation on the dependency succeeded (or it reconnected): logged once if it was down.
  recovered(): void {
    if (!this.down) return;
    this.down = false;
    this.logger.log(`${this.dependency} available again after ${this.now() - this.since} ms; ${this.affected} operation(s) failed meanwhile`);
    this.affected = 0;
  }
}

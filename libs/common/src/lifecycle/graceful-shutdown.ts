import { BeforeApplicationShutdown, Inject, Injectable, Logger } from '@nestjs/common';
import { InFlightTracker } from './in-flight.tracker';

export const SHUTDOWN_GRACE_MS = Symbol('SHUTDOWN_GRACE_MS');

// On SIGTERM: stop taking messages (new deliveries are requeued for other replicas), let the ones in
// flight finish within the grace period, then Nest closes servers and connections.
@Injectable()
export class GracefulShutdown implements BeforeApplicationShutdown {
  private readonly logger = new Logger(GracefulShutdown.name);
  private readonly afterDrainSteps: Array<() => Promise<void>> = [];

  constructor(
    private readonly inFlight: InFlightTracker,
    @Inject(SHUTDOWN_GRACE_MS) private readonly graceMs: number,
  ) {}

  async beforeApplicationShutdown(signal?: string): Promise<void> {
    this.logger.log(`shutting down (${signal ?? 'close'}): draining ${this.inFlight.count} message(s) in flight`);
    const finished = await this.inFlight.drain(this.graceMs);
    if (!finished) this.logger.warn(`grace period over with ${this.inFlight.count} message(s) unfinished; they will be redelivered`);
    for (const step of this.afterDrainSteps) await step();
  }

  // Work that must happen after the drain and before Nest closes the transports (flushing replies).
  afterDrain(step: () => Promise<void>): void {
    this.afterDrainSteps.push(step);
  }
}

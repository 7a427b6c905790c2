import { BeforeApplicationShutdown, Injectable } from '@nestjs/common';
import type { ServerResponse } from 'node:http';

// Responses the simulator keeps open on purpose (hang, stall) or is delaying (latency). Each ends when its
// client goes away, and all of them when the app closes, so neither a test nor a shutdown is kept waiting.
@Injectable()
export class ResponseTracker implements BeforeApplicationShutdown {
  private readonly held = new Set<ServerResponse>();
  private readonly delayed = new Set<AbortController>();

  get heldCount(): number {
    return this.held.size;
  }

  // Aborted when the client goes away or the app closes.
  signalFor(response: ServerResponse): AbortSignal {
    const controller = new AbortController();
    this.delayed.add(controller);
    response.once('close', () => {
      this.delayed.delete(controller);
      controller.abort();
    });
    return controller.signal;
  }

  hold(response: ServerResponse): void {
    this.held.add(response);
    response.once('close', () => this.held.delete(response));
  }

  beforeApplicationShutdown(): void {
    for (const controller of this.delayed) controller.abort();
    for (const response of this.held) response.destroy();
  }
}

import { Inject, Injectable } from '@nestjs/common';
import { PROVIDER_SIM_CONFIG, ProviderSimConfig } from '../config/provider-sim.config';
import { FaultSpec, FaultView } from './fault.dto';

// The fault switched on now (from the configuration, or PUT /admin/faults), and how many requests it has left.
@Injectable()
export class FaultState {
  private fault: FaultSpec | null = null;
  private remaining: number | null = null;

  constructor(@Inject(PROVIDER_SIM_CONFIG) private readonly config: ProviderSimConfig) {
    this.reset();
  }

  set(fault: FaultSpec): void {
    this.fault = fault;
    this.remaining = fault.times ?? null;
  }

  clear(): void {
    this.fault = null;
    this.remaining = null;
  }

  // Back to the configured fault (with its `times` counted afresh), or none.
  reset(): void {
    if (this.config.fault) this.set(this.config.fault);
    else this.clear();
  }

  // The fault for this feed request, using up one of its `times`; the last one switches it off.
  take(): FaultSpec | null {
    const fault = this.fault;
    if (fault && this.remaining !== null) {
      this.remaining -= 1;
      if (this.remaining === 0) this.clear();
    }
    return fault;
  }

  describe(): FaultView | null {
    return this.fault ? { ...this.fault, remaining: this.remaining } : null;
  }
}

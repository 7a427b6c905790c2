import { ProviderSimConfig } from '../config/provider-sim.config';
import { FaultSpec } from './fault.dto';
import { FaultState } from './fault-state.service';

const configWith = (fault: FaultSpec | null) => ({ fault }) as ProviderSimConfig;

describe('FaultState', () => {
  it('should apply a fault to every request when it has no times', () => {
    const sut = new FaultState(configWith(null));
    sut.set({ mode: 'hang' });
    expect([sut.take(), sut.take(), sut.take()].map((fault) => fault?.mode)).toEqual(['hang', 'hang', 'hang']);
    expect(sut.describe()).toEqual({ mode: 'hang', remaining: null });
  });

  it('should switch the fault off after its times are used up', () => {
    const sut = new FaultState(configWith(null));
    sut.set({ mode: 'server_error', times: 2 });
    expect(sut.take()?.mode).toBe('server_error');
    expect(sut.describe()?.remaining).toBe(1);
    expect(sut.take()?.mode).toBe('server_error');
    expect(sut.take()).toBeNull();
    expect(sut.describe()).toBeNull();
  });

  it('should re-arm the configured fault with its times counted afresh when reset', () => {
    const sut = new FaultState(configWith({ mode: 'rate_limit', times: 1 }));
    expect(sut.take()?.mode).toBe('rate_limit');
    expect(sut.take()).toBeNull();
    sut.reset();
    expect(sut.take()?.mode).toBe('rate_limit');
  });

  it('should have no fault after clear even when one is configured', () => {
    const sut = new FaultState(configWith({ mode: 'empty' }));
    sut.clear();
    expect(sut.take()).toBeNull();
  });
});

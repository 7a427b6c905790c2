import { ConfigValidationError } from '@app/common';
import { loadProviderSimConfig } from './provider-sim.config';

const FIXTURES = ['feed-1', 'feed-2'];
const load = (env: Record<string, string>) => loadProviderSimConfig(env, FIXTURES);

function problemsOf(env: Record<string, string>): string {
  try {
    load(env);
  } catch (error) {
    if (error instanceof ConfigValidationError) return error.message;
    throw error;
  }
  throw new Error('expected the configuration to be refused');
}

describe('loadProviderSimConfig', () => {
  it('should serve the fixture rotation on loopback with both validators and no fault when nothing is set', () => {
    const sut = load({});
    expect(sut).toEqual({
      LOG_LEVEL: 'info',
      PROVIDER_SIM_PORT: 3004,
      PROVIDER_SIM_HOST: '127.0.0.1',
      validators: 'both',
      feed: { mode: 'rotation', rotate_every: 1 },
      fault: null,
    });
  });

  it('should generate the feed when only PROVIDER_SIM_PLANS is set', () => {
    const sut = load({ PROVIDER_SIM_PLANS: '10000', PROVIDER_SIM_VARY_SHARE: '0.1' });
    expect(sut.feed).toEqual({ mode: 'generated', plans: 10000, seed: 1, vary_share: 0.1, rotate_every: 1 });
  });

  it('should pin a fixture when PROVIDER_SIM_FIXTURE names one', () => {
    expect(load({ PROVIDER_SIM_FIXTURE: 'feed-2' }).feed).toEqual({ mode: 'fixture', fixture: 'feed-2' });
  });

  it('should refuse a fixture name that is not a file, listing the ones there are', () => {
    expect(problemsOf({ PROVIDER_SIM_FIXTURE: 'feed-9' })).toContain('PROVIDER_SIM_FIXTURE: no fixture named "feed-9" (have feed-1, feed-2)');
  });

  it('should read a latency without a fault mode as the latency fault', () => {
    expect(load({ PROVIDER_SIM_LATENCY_MS: '250' }).fault).toEqual({ mode: 'latency', latency_ms: 250 });
  });

  it('should take a whole fault from the environment when its values fit the mode', () => {
    const sut = load({ PROVIDER_SIM_FAULT: 'server_error', PROVIDER_SIM_FAULT_STATUS: '502', PROVIDER_SIM_RETRY_AFTER_S: '3', PROVIDER_SIM_FAULT_TIMES: '2' });
    expect(sut.fault).toEqual({ mode: 'server_error', status: 502, retry_after_s: 3, times: 2 });
  });

  it('should name every bad variable in one message when several are wrong', () => {
    const message = problemsOf({ PROVIDER_SIM_VALIDATORS: 'sometimes', PROVIDER_SIM_FAULT: 'explode', PROVIDER_SIM_PORT: '70000' });
    expect(message).toMatch(/^Invalid configuration: /);
    expect(message).toContain('PROVIDER_SIM_VALIDATORS');
    expect(message).toContain('PROVIDER_SIM_FAULT');
    expect(message).toContain('PROVIDER_SIM_PORT');
  });

  it('should name bad values and values that do not fit together in the same message', () => {
    const message = problemsOf({
      PROVIDER_SIM_VALIDATORS: 'maybe',
      PROVIDER_SIM_FAULT: 'server_error',
      PROVIDER_SIM_FAULT_STATUS: '404',
      PROVIDER_SIM_FIXTURE: 'feed-7',
    });
    for (const variable of ['PROVIDER_SIM_VALIDATORS', 'PROVIDER_SIM_FAULT_STATUS', 'PROVIDER_SIM_FIXTURE']) expect(message).toContain(variable);
  });

  it('should name the variable when a fault value does not fit its mode', () => {
    const message = problemsOf({ PROVIDER_SIM_FAULT: 'rate_limit', PROVIDER_SIM_FAULT_STATUS: '500', PROVIDER_SIM_FAULT_TIMES: '0' });
    expect(message).toContain('PROVIDER_SIM_FAULT_STATUS: applies only to mode server_error');
    expect(message).toContain('PROVIDER_SIM_FAULT_TIMES');
  });

  it('should refuse fault details without a fault mode', () => {
    expect(problemsOf({ PROVIDER_SIM_FAULT_TIMES: '3' })).toContain('PROVIDER_SIM_FAULT_TIMES: needs PROVIDER_SIM_FAULT');
  });

  it('should refuse a generated feed larger than the cap or a share outside 0..1', () => {
    const message = problemsOf({ PROVIDER_SIM_PLANS: '1000001', PROVIDER_SIM_VARY_SHARE: '1.5' });
    expect(message).toContain('PROVIDER_SIM_PLANS');
    expect(message).toContain('PROVIDER_SIM_VARY_SHARE');
  });
});

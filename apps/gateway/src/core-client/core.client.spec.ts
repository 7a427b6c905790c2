import { Logger } from '@nestjs/common';
import { NEVER, Observable } from 'rxjs';
import { GatewayConfig } from '../config/gateway.config';
import { CoreClient } from './core.client';

describe('CoreClient', () => {
  let sent: Array<{ pattern: string; record: { options?: { expiration?: string } } }>;
  let sut: CoreClient;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    sent = [];
    sut = new CoreClient({ RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672', RPC_TIMEOUT_MS: 5000 } as GatewayConfig);
    // core never answers
    Object.assign(sut, {
      client: {
        send: (pattern: string, record: { options?: { expiration?: string } }): Observable<never> => {
          sent.push({ pattern, record });
          return NEVER;
        },
      },
    });
  });
  afterEach(() => {
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  async function settledAfter(ms: number, call: Promise<unknown>) {
    let outcome: unknown = 'pending';
    void call.then(
      (value) => (outcome = value),
      (error: unknown) => (outcome = error),
    );
    await jest.advanceTimersByTimeAsync(ms);
    return outcome;
  }

  it('should give up with UPSTREAM_TIMEOUT after RPC_TIMEOUT_MS, the message expiring with it, when no bound is given', async () => {
    const call = sut.send('users.get', {}, 'req-1');

    expect(await settledAfter(4999, call)).toBe('pending');
    expect(await settledAfter(1, call)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(sent[0].record.options?.expiration).toBe('5000');
  });

  it('should wait for its own timeoutMs, not RPC_TIMEOUT_MS, when the call gives one', async () => {
    const call = sut.send('admin.sales-view.refresh', {}, 'req-2', { timeoutMs: 305_000 });

    expect(await settledAfter(304_999, call)).toBe('pending');
    expect(await settledAfter(1, call)).toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    expect(sent[0].record.options?.expiration).toBe('305000');
  });
});

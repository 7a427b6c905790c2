import { Logger } from '@nestjs/common';
import { ClientProxyFactory } from '@nestjs/microservices';
import { NEVER, Observable, throwError } from 'rxjs';
import { QUEUES } from '@app/contracts';
import { GatewayConfig } from '../config/gateway.config';
import { SchedulerClient } from './scheduler.client';

describe('SchedulerClient', () => {
  let answer: () => Observable<unknown>;
  let sent: Array<{ pattern: string; record: { data?: unknown; options?: { expiration?: string; headers?: Record<string, string> } } }>;
  let create: jest.SpyInstance;
  let sut: SchedulerClient;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    sent = [];
    answer = () => NEVER;
    const proxy = {
      send: (pattern: string, record: (typeof sent)[number]['record']) => {
        sent.push({ pattern, record });
        return answer();
      },
    };
    create = jest.spyOn(ClientProxyFactory, 'create').mockReturnValue(proxy as never);
    sut = new SchedulerClient({ RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5672', RPC_TIMEOUT_MS: 5000 } as GatewayConfig);
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

  it("should send to the scheduler's RPC queue, with the request id and a message that expires with the call", async () => {
    answer = () => new Observable((subscriber) => subscriber.next({ id: 'run-1' }));

    await expect(sut.send('admin.provider-sync.start', { trigger: 'admin' }, 'req-1')).resolves.toEqual({ id: 'run-1' });
    expect(create.mock.calls[0][0]).toMatchObject({ options: { queue: QUEUES.schedulerRpc } });
    expect(sent[0]).toMatchObject({ pattern: 'admin.provider-sync.start', record: { data: { trigger: 'admin' }, options: { expiration: '5000' } } });
    expect(Object.values(sent[0].record.options!.headers!)).toContain('req-1');
  });

  it('should give up with UPSTREAM_TIMEOUT after RPC_TIMEOUT_MS when no scheduler answers', async () => {
    const call = sut.send('admin.provider-sync.status', {}, 'req-2');

    expect(await settledAfter(4999, call)).toBe('pending');
    expect(await settledAfter(1, call)).toMatchObject({ code: 'UPSTREAM_TIMEOUT', message: 'The scheduler service did not answer in time' });
  });

  it('should answer SERVICE_UNAVAILABLE when the broker connection fails, and pass on an error the scheduler replied with', async () => {
    answer = () => throwError(() => new Error('Connection closed'));
    await expect(sut.send('admin.provider-sync.status', {}, 'req-3')).rejects.toMatchObject({ code: 'SERVICE_UNAVAILABLE' });

    answer = () => throwError(() => ({ code: 'VALIDATION_ERROR', message: 'trigger must be one of startup, schedule, admin', details: { errors: [] } }));
    await expect(sut.send('admin.provider-sync.start', {}, 'req-4')).rejects.toMatchObject({ code: 'VALIDATION_ERROR', details: { errors: [] } });
  });
});

import { CallHandler, ExecutionContext, Logger } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Message } from 'amqplib';
import { lastValueFrom, Observable, of, Subject, throwError, toArray } from 'rxjs';
import { TransientError } from '../errors/domain.error';
import { InFlightTracker } from '../lifecycle/in-flight.tracker';
import { currentRequestId } from '../logging/request-context';
import { MetricsService } from '../metrics/metrics.service';
import { ATTEMPT_HEADER, MAX_TRANSIENT_ATTEMPTS, RmqAckInterceptor } from './rmq-ack.interceptor';

const QUEUE = 'core.commands';
const PATTERN = 'users.created';

interface FakeChannel {
  ack: jest.Mock;
  nack: jest.Mock;
  sendToQueue: jest.Mock;
}

function fakeMessage(properties: Partial<Message['properties']> = {}): Message {
  return {
    content: Buffer.from(JSON.stringify({ pattern: PATTERN, data: { id: 1 } })),
    fields: { deliveryTag: 1, redelivered: false, exchange: '', routingKey: QUEUE },
    properties: { headers: { 'x-request-id': 'req-1' }, contentType: 'application/json', ...properties } as Message['properties'],
  };
}

function rpcContext(message: Message, channel: FakeChannel): ExecutionContext {
  const rmq = new RmqContext([message, channel, PATTERN]);
  return {
    getType: () => 'rpc',
    switchToRpc: () => ({ getContext: () => rmq, getData: () => ({}) }),
  } as unknown as ExecutionContext;
}

function handler(observable: () => Observable<unknown>): CallHandler & { handle: jest.Mock } {
  return { handle: jest.fn(observable) };
}

// Subscribes like Nest does and reports what the subscriber saw.
async function outcome(observable: Observable<unknown>): Promise<{ values?: unknown[]; error?: unknown }> {
  try {
    return { values: await lastValueFrom(observable.pipe(toArray())) };
  } catch (error) {
    return { error };
  }
}

describe('RmqAckInterceptor', () => {
  let channel: FakeChannel;
  let tracker: InFlightTracker;
  let metrics: MetricsService;
  let sut: RmqAckInterceptor;

  beforeAll(() => {
    Logger.overrideLogger(false);
  });

  beforeEach(() => {
    channel = { ack: jest.fn(), nack: jest.fn(), sendToQueue: jest.fn() };
    tracker = new InFlightTracker();
    metrics = new MetricsService();
    sut = new RmqAckInterceptor(tracker, QUEUE, metrics);
  });

  it('should ack exactly once and only after the handler completes when it succeeds', async () => {
    const message = fakeMessage();
    const work = new Subject<string>();
    const seen: unknown[] = [];
    const done = new Promise<void>((resolve) =>
      sut
        .intercept(
          rpcContext(message, channel),
          handler(() => work),
        )
        .subscribe({ next: (v) => seen.push(v), complete: resolve }),
    );

    work.next('result');
    expect(seen).toEqual(['result']);
    expect(channel.ack).not.toHaveBeenCalled();
    expect(tracker.count).toBe(1);

    work.complete();
    await done;

    expect(channel.ack).toHaveBeenCalledTimes(1);
    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
    expect(tracker.count).toBe(0);
  });

  it('should dead-letter without requeue when an event handler fails', async () => {
    const message = fakeMessage();

    const result = await outcome(
      sut.intercept(
        rpcContext(message, channel),
        handler(() => throwError(() => new Error('boom'))),
      ),
    );

    expect(result.error).toEqual(new Error('boom'));
    expect(channel.nack).toHaveBeenCalledTimes(1);
    expect(channel.nack).toHaveBeenCalledWith(message, false, false);
    expect(channel.ack).not.toHaveBeenCalled();
    expect(channel.sendToQueue).not.toHaveBeenCalled();
    expect(tracker.count).toBe(0);
  });

  it('should ack and pass the error on as the reply when an RPC handler fails', async () => {
    const message = fakeMessage({ replyTo: 'amq.rabbitmq.reply-to', correlationId: 'c-1' });
    const failure = new Error('not found');

    const result = await outcome(
      sut.intercept(
        rpcContext(message, channel),
        handler(() => throwError(() => failure)),
      ),
    );

    expect(result.error).toBe(failure);
    expect(channel.ack).toHaveBeenCalledTimes(1);
    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
  });

  it('should requeue the message and not run the handler when the consumer is draining', async () => {
    const message = fakeMessage();
    const next = handler(() => of('never'));
    void tracker.drain(10);

    const result = await outcome(sut.intercept(rpcContext(message, channel), next));

    expect(result.values).toEqual([]);
    expect(next.handle).not.toHaveBeenCalled();
    expect(channel.nack).toHaveBeenCalledTimes(1);
    expect(channel.nack).toHaveBeenCalledWith(message, false, true);
    expect(channel.ack).not.toHaveBeenCalled();
  });

  it('should republish to the consumer queue with the next attempt and ack the original when a transient failure is below the bound', async () => {
    const message = fakeMessage({ headers: { 'x-request-id': 'req-1', [ATTEMPT_HEADER]: 2 }, messageId: 'm-1' });

    await outcome(
      sut.intercept(
        rpcContext(message, channel),
        handler(() => throwError(() => new TransientError('redis blip'))),
      ),
    );

    expect(channel.sendToQueue).toHaveBeenCalledTimes(1);
    const [queue, content, options] = channel.sendToQueue.mock.calls[0];
    expect(queue).toBe(QUEUE);
    expect(content).toBe(message.content);
    expect(options).toEqual(expect.objectContaining({ messageId: 'm-1', persistent: true, headers: { 'x-request-id': 'req-1', [ATTEMPT_HEADER]: 3 } }));
    expect(channel.ack).toHaveBeenCalledTimes(1);
    expect(channel.ack).toHaveBeenCalledWith(message);
    expect(channel.nack).not.toHaveBeenCalled();
  });

  it('should count the first delivery as attempt 1 when the attempt header is absent', async () => {
    const message = fakeMessage({ headers: {} });

    await outcome(
      sut.intercept(
        rpcContext(message, channel),
        handler(() => throwError(() => ({ transient: true, message: 'blip' }))),
      ),
    );

    expect(channel.sendToQueue).toHaveBeenCalledWith(QUEUE, message.content, expect.objectContaining({ headers: { [ATTEMPT_HEADER]: 2 } }));
    expect(channel.ack).toHaveBeenCalledWith(message);
  });

  it('should dead-letter instead of retrying when a transient failure reaches the attempt bound', async () => {
    const message = fakeMessage({ headers: { [ATTEMPT_HEADER]: MAX_TRANSIENT_ATTEMPTS } });

    await outcome(
      sut.intercept(
        rpcContext(message, channel),
        handler(() => throwError(() => new TransientError('still down'))),
      ),
    );

    expect(channel.sendToQueue).not.toHaveBeenCalled();
    expect(channel.nack).toHaveBeenCalledWith(message, false, false);
    expect(channel.ack).not.toHaveBeenCalled();
  });

  it('should run the handler with the request id from the message headers when one is present', async () => {
    const message = fakeMessage({ headers: { 'x-request-id': 'req-from-gateway' } });

    const result = await outcome(
      sut.intercept(
        rpcContext(message, channel),
        handler(() => of(currentRequestId())),
      ),
    );

    expect(result.values).toEqual(['req-from-gateway']);
  });

  it('should record the message duration by pattern and outcome when a message is settled', async () => {
    await outcome(
      sut.intercept(
        rpcContext(fakeMessage(), channel),
        handler(() => of(1)),
      ),
    );
    await outcome(
      sut.intercept(
        rpcContext(fakeMessage(), channel),
        handler(() => throwError(() => new Error('x'))),
      ),
    );

    const histogram = await metrics.messageDuration.get();
    const counts = histogram.values.filter((v) => v.metricName === 'rmq_message_duration_seconds_count');
    expect(counts).toEqual(
      expect.arrayContaining([
        expect.objectContaining({ labels: { pattern: PATTERN, outcome: 'handled' }, value: 1 }),
        expect.objectContaining({ labels: { pattern: PATTERN, outcome: 'failed' }, value: 1 }),
      ]),
    );
  });
});

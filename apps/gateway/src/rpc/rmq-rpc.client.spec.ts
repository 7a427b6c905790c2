import { Logger } from '@nestjs/common';
import { SpanKind, SpanStatusCode } from '@opentelemetry/api';
import { ClientProxy, RmqRecord } from '@nestjs/microservices';
import { Observable, Subscriber } from 'rxjs';
import { recordSpans } from '../../../../test/support/span-recorder';
import { RmqRpcClient } from './rmq-rpc.client';

class CoreClient extends RmqRpcClient {
  constructor() {
    super({ RABBITMQ_URL: 'amqp://127.0.0.1:1', RPC_TIMEOUT_MS: 1000 }, 'core.rpc', 'core');
  }
}

describe('RmqRpcClient tracing', () => {
  let spans: ReturnType<typeof recordSpans>;
  let sent: Array<{ pattern: string; headers: Record<string, string>; reply: Subscriber<unknown> }>;
  let sut: CoreClient;

  beforeEach(() => {
    jest.useFakeTimers();
    jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined);
    spans = recordSpans();
    sent = [];
    sut = new CoreClient();
    const client = {
      send: (pattern: string, record: RmqRecord) =>
        new Observable((reply) => {
          sent.push({ pattern, headers: record.options!.headers as Record<string, string>, reply });
        }),
    };
    Object.assign(sut, { client: client as unknown as ClientProxy });
  });
  afterEach(async () => {
    await spans.stop();
    jest.useRealTimers();
    jest.restoreAllMocks();
  });

  it('should trace an RPC as one CLIENT span from the send to the reply, its context in the request headers', async () => {
    const answer = sut.send<{ ok: boolean }>('plans.get', { id: 'p1' }, 'req-1');
    await jest.advanceTimersByTimeAsync(0);

    expect(sent).toHaveLength(1);
    expect(spans.ended()).toEqual([]); // sent, no reply yet: the span is still open
    sent[0].reply.next({ ok: true });
    sent[0].reply.complete();
    await expect(answer).resolves.toEqual({ ok: true });

    const [span] = spans.ended();
    expect(spans.ended()).toHaveLength(1);
    expect({ name: span.name, kind: span.kind, status: span.status.code }).toEqual({ name: 'plans.get call', kind: SpanKind.CLIENT, status: SpanStatusCode.UNSET });
    expect(sent[0].headers.traceparent).toBe(`00-${span.spanContext().traceId}-${span.spanContext().spanId}-01`);
  });

  it('should end the CLIENT span as failed when no reply comes before the timeout', async () => {
    const answer = sut.send('plans.get', { id: 'p1' }, 'req-2');
    const failed = expect(answer).rejects.toMatchObject({ code: 'UPSTREAM_TIMEOUT' });
    await jest.advanceTimersByTimeAsync(999);
    expect(spans.ended()).toEqual([]);

    await jest.advanceTimersByTimeAsync(1);
    await failed;

    const [span] = spans.ended();
    expect({ kind: span.kind, status: span.status.code }).toEqual({ kind: SpanKind.CLIENT, status: SpanStatusCode.ERROR });
  });
});

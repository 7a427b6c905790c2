import { SpanKind, SpanStatusCode, trace, context } from '@opentelemetry/api';
import { recordSpans } from '../../../../test/support/span-recorder';
import { endServerSpan, runInServerSpan } from './message-trace';

describe('runInServerSpan', () => {
  const PARENT = { traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331' };

  it('should run the request without a span when tracing is off', () => {
    const next = jest.fn();

    expect(runInServerSpan('GET', '/api/v1/users/me', 'req-0', {}, next)).toBeUndefined();
    expect(next).toHaveBeenCalledTimes(1);
  });

  describe('with tracing on', () => {
    let spans: ReturnType<typeof recordSpans>;
    beforeEach(() => {
      spans = recordSpans();
    });
    afterEach(() => spans.stop());

    it("should make a SERVER span named by method and route, a child of the request's traceparent, active while the request runs", () => {
      let active: string | undefined;
      const headers = { traceparent: `00-${PARENT.traceId}-${PARENT.spanId}-01` };

      const span = runInServerSpan('POST', '/api/v1/plans/:id', 'req-1', headers, () => (active = trace.getSpan(context.active())?.spanContext().spanId));
      endServerSpan(span, 201);

      const [ended] = spans.ended();
      expect(active).toBe(ended.spanContext().spanId);
      expect({ name: ended.name, kind: ended.kind, traceId: ended.spanContext().traceId, parent: ended.parentSpanContext?.spanId, status: ended.status.code }).toEqual({
        name: 'POST /api/v1/plans/:id',
        kind: SpanKind.SERVER,
        traceId: PARENT.traceId,
        parent: PARENT.spanId,
        status: SpanStatusCode.UNSET,
      });
      expect(ended.attributes).toEqual({ 'http.request.method': 'POST', 'http.route': '/api/v1/plans/:id', 'app.request_id': 'req-1', 'http.response.status_code': 201 });
    });

    it('should start a trace of its own without a traceparent, and mark a 5xx answer as an error', () => {
      endServerSpan(
        runInServerSpan('GET', undefined, 'req-2', {}, () => undefined),
        503,
      );

      const [ended] = spans.ended();
      expect({ name: ended.name, parent: ended.parentSpanContext, status: ended.status.code }).toEqual({ name: 'GET', parent: undefined, status: SpanStatusCode.ERROR });
    });
  });
});

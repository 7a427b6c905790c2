import { Context, context, Link, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';

// Trace context across RabbitMQ, done by hand (see tracing.sdk.ts for why not amqplib's instrumentation): a
// publisher starts a PRODUCER span and writes its W3C traceparent/tracestate into the message headers while the
// request's context is still the active one; a consumer extracts them and runs its handler under a CONSUMER
// span. With tracing off every call here is the API's no-op: no span, no header.

const tracer = () => trace.getTracer('plans-platform');

export type TraceCarrier = Record<string, string>;

// The active context as W3C headers ({} when there is none, or tracing is off): what the outbox stores.
export function activeTraceCarrier(from: Context = context.active()): TraceCarrier {
  const carrier: TraceCarrier = {};
  propagation.inject(from, carrier);
  return carrier;
}

export function contextFromHeaders(headers: Record<string, unknown> | undefined): Context {
  if (!headers) return ROOT_CONTEXT;
  return propagation.extract(ROOT_CONTEXT, headers, {
    get: (carrier, key) => {
      const value = carrier[key];
      return typeof value === 'string' ? value : Buffer.isBuffer(value) ? value.toString() : undefined;
    },
    keys: (carrier) => Object.keys(carrier),
  });
}

// A link to the context in a message's headers, or none when it carries no (valid) context.
export function linkFromHeaders(headers: Record<string, unknown> | undefined): Link | undefined {
  const spanContext = trace.getSpanContext(contextFromHeaders(headers));
  return spanContext && trace.isSpanContextValid(spanContext) ? { context: spanContext } : undefined;
}

function endSpan(span: Span, error?: unknown): void {
  if (error !== undefined) {
    const message = error instanceof Error ? error.message : JSON.stringify(error);
    span.recordException(error instanceof Error ? error : message);
    span.setStatus({ code: SpanStatusCode.ERROR, message });
  }
  span.end();
}

// Runs `publish` under a PRODUCER span ("<destination> publish") whose context it writes into `headers`. The
// parent is the active context, or `parent` (the outbox relay restores the one stored at the write). The span
// ends when the returned promise settles (the broker's confirm, for confirmed publishes).
export function tracedPublish<T>(destination: string, headers: Record<string, unknown>, publish: () => Promise<T>, parent: Context = context.active()): Promise<T> {
  const span = tracer().startSpan(
    `${destination} publish`,
    { kind: SpanKind.PRODUCER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': destination, 'messaging.operation.type': 'send' } },
    parent,
  );
  propagation.inject(trace.setSpan(parent, span), headers);
  return context.with(trace.setSpan(parent, span), publish).then(
    (result) => {
      endSpan(span);
      return result;
    },
    (error: unknown) => {
      endSpan(span, error);
      throw error;
    },
  );
}

// Starts the CONSUMER span ("<name> process") for a message, a child of the context in its headers.
export function startConsumerSpan(name: string, headers: Record<string, unknown> | undefined, attributes: Record<string, string> = {}): { span: Span; context: Context } {
  const parent = contextFromHeaders(headers);
  const span = tracer().startSpan(
    `${name} process`,
    { kind: SpanKind.CONSUMER, attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', ...attributes } },
    parent,
  );
  return { span, context: trace.setSpan(parent, span) };
}

export function finishSpan(span: Span, error?: unknown): void {
  endSpan(span, error);
}

// A span of its own trace (root), linked to `links`, active while `work` runs: a scheduler tick, a batch.
export async function inRootSpan<T>(name: string, work: (span: Span) => Promise<T>, links: Link[] = [], kind: SpanKind = SpanKind.INTERNAL): Promise<T> {
  const span = tracer().startSpan(name, { root: true, kind, links });
  try {
    const result = await context.with(trace.setSpan(ROOT_CONTEXT, span), () => work(span));
    endSpan(span);
    return result;
  } catch (error) {
    endSpan(span, error);
    throw error;
  }
}

// Names the HTTP server span after the route ("POST /api/v1/plans/:id" rather than the instrumentation's "POST")
// and tags it with the request id, so a trace can be found from an X-Request-Id. No-op outside a span.
export function describeServerSpan(method: string, route: string | undefined, requestId: string): void {
  const span = trace.getSpan(context.active());
  if (!span) return;
  if (route) {
    span.updateName(`${method} ${route}`);
    span.setAttribute('http.route', route);
  }
  span.setAttribute('app.request_id', requestId);
}

// trace_id and span_id of the active span, for log lines; {} outside a span or with tracing off.
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

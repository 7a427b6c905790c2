import { Context, context, INVALID_SPAN_CONTEXT, Link, propagation, ROOT_CONTEXT, Span, SpanKind, SpanStatusCode, trace } from '@opentelemetry/api';
import { tracingOn } from './tracing-shutdown';

// Trace context across RabbitMQ, done by hand (see tracing.sdk.ts for why not amqplib's instrumentation): a
// publisher starts a PRODUCER span and writes its W3C traceparent/tracestate into the message headers while the
// request's context is still the active one; a consumer extracts them and runs its handler under a CONSUMER
// span. With tracing off the calls made per request, message or log line return before touching the API.

const tracer = () => trace.getTracer('plans-platform');

export type TraceCarrier = Record<string, string>;

// The active context as W3C headers ({} when there is none, or tracing is off): what the outbox stores.
export function activeTraceCarrier(from?: Context): TraceCarrier {
  const carrier: TraceCarrier = {};
  if (!tracingOn()) return carrier;
  propagation.inject(from ?? context.active(), carrier);
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
export function tracedPublish<T>(destination: string, headers: Record<string, unknown>, publish: () => Promise<T>, parent?: Context): Promise<T> {
  return traced(`${destination} publish`, SpanKind.PRODUCER, destination, headers, publish, parent);
}

// Runs an RPC (`call` sends the request and resolves with the reply) under a CLIENT span ("<pattern> call") from
// the send to the reply, or to the error or timeout that ends the wait; the handler's SERVER span is its child.
export function tracedCall<T>(pattern: string, headers: Record<string, unknown>, call: () => Promise<T>): Promise<T> {
  return traced(`${pattern} call`, SpanKind.CLIENT, pattern, headers, call);
}

function traced<T>(name: string, kind: SpanKind, destination: string, headers: Record<string, unknown>, work: () => Promise<T>, parent?: Context): Promise<T> {
  if (!tracingOn()) return work();
  const from = parent ?? context.active();
  const span = tracer().startSpan(
    name,
    { kind, attributes: { 'messaging.system': 'rabbitmq', 'messaging.destination.name': destination, 'messaging.operation.type': 'send' } },
    from,
  );
  const within = trace.setSpan(from, span);
  propagation.inject(within, headers);
  return context.with(within, work).then(
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

// Starts the span ("<name> process") a message's handler runs under, a child of the context in its headers: a
// CONSUMER span for an event, a SERVER span for an RPC request (its caller's span is a CLIENT span).
export function startConsumerSpan(
  name: string,
  headers: Record<string, unknown> | undefined,
  attributes: Record<string, string> = {},
  kind: SpanKind.CONSUMER | SpanKind.SERVER = SpanKind.CONSUMER,
): { span: Span; context: Context } {
  if (!tracingOn()) return { span: trace.wrapSpanContext(INVALID_SPAN_CONTEXT), context: ROOT_CONTEXT };
  const parent = contextFromHeaders(headers);
  const span = tracer().startSpan(
    `${name} process`,
    { kind, attributes: { 'messaging.system': 'rabbitmq', 'messaging.operation.type': 'process', ...attributes } },
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

// An HTTP request's SERVER span ("POST /api/v1/plans/:id"), a child of the traceparent the request came with and
// tagged with the request id (so a trace can be found from an X-Request-Id), active while `next` runs the rest of
// the request. Made here in Fastify's first hook rather than by the HTTP instrumentation, which wraps every
// request's emitters and computes a dozen attributes even for a request the sampler drops (bench/RESULTS.md).
export function runInServerSpan(method: string, route: string | undefined, requestId: string, headers: Record<string, unknown>, next: () => void): Span | undefined {
  if (!tracingOn()) {
    next();
    return undefined;
  }
  const parent = propagation.extract(ROOT_CONTEXT, headers);
  const attributes: Record<string, string> = { 'http.request.method': method, 'app.request_id': requestId };
  if (route) attributes['http.route'] = route;
  const span = tracer().startSpan(route ? `${method} ${route}` : method, { kind: SpanKind.SERVER, attributes }, parent);
  context.with(trace.setSpan(parent, span), next);
  return span;
}

export function endServerSpan(span: Span | undefined, statusCode: number): void {
  if (!span) return;
  span.setAttribute('http.response.status_code', statusCode);
  if (statusCode >= 500) span.setStatus({ code: SpanStatusCode.ERROR });
  span.end();
}

// trace_id and span_id of the active span, for log lines; {} outside a span or with tracing off.
export function activeTraceIds(): { trace_id?: string; span_id?: string } {
  if (!tracingOn()) return {};
  const spanContext = trace.getSpan(context.active())?.spanContext();
  if (!spanContext || !trace.isSpanContextValid(spanContext)) return {};
  return { trace_id: spanContext.traceId, span_id: spanContext.spanId };
}

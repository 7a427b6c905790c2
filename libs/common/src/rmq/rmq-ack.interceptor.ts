import { CallHandler, ExecutionContext, Inject, Injectable, Logger, NestInterceptor } from '@nestjs/common';
import { RmqContext } from '@nestjs/microservices';
import type { Channel, Message } from 'amqplib';
import { context as otelContext, SpanKind } from '@opentelemetry/api';
import { defer, EMPTY, Observable, tap } from 'rxjs';
import {
  ACTOR_ID_HEADER,
  ACTOR_ROLE_HEADER,
  CLIENT_IP_HEADER,
  REQUEST_ID_HEADER,
  runWithRequestContext,
  saneActor,
  saneClientIp,
  saneRequestId,
} from '../logging/request-context';
import { InFlightTracker } from '../lifecycle/in-flight.tracker';
import { MetricsService } from '../metrics/metrics.service';
import { finishSpan, startConsumerSpan } from '../tracing/message-trace';

export const ATTEMPT_HEADER = 'x-attempt';
export const MAX_TRANSIENT_ATTEMPTS = 5;
export const RMQ_CONSUMER_QUEUE = Symbol('RMQ_CONSUMER_QUEUE');

function isTransient(error: unknown): boolean {
  return typeof error === 'object' && error !== null && (error as { transient?: boolean }).transient === true;
}

// Nest never acks or rejects for us: this acks once the handler's work is done, dead-letters a failed
// event, retries a transient failure a bounded number of times, and requeues work that arrives while draining.
@Injectable()
export class RmqAckInterceptor implements NestInterceptor {
  private readonly logger = new Logger(RmqAckInterceptor.name);

  constructor(
    private readonly inFlight: InFlightTracker,
    @Inject(RMQ_CONSUMER_QUEUE) private readonly queue: string,
    private readonly metrics: MetricsService,
  ) {}

  intercept(context: ExecutionContext, next: CallHandler): Observable<unknown> {
    if (context.getType() !== 'rpc') return next.handle();
    const rmq = context.switchToRpc().getContext<RmqContext>();
    if (!(rmq instanceof RmqContext)) return next.handle();
    const message = rmq.getMessage() as Message;
    const channel = rmq.getChannelRef() as Channel;
    const isRpc = Boolean(message.properties.replyTo);

    // On shutdown the consumer is cancelled; anything delivered meanwhile goes back for another replica.
    const consumerTag = message.fields.consumerTag;
    if (consumerTag) this.inFlight.onDrain(consumerTag, () => channel.cancel(consumerTag));
    if (this.inFlight.draining) {
      channel.nack(message, false, true);
      return EMPTY;
    }
    const requestId = saneRequestId(message.properties.headers?.[REQUEST_ID_HEADER]);
    const clientIp = saneClientIp(message.properties.headers?.[CLIENT_IP_HEADER]);
    const actor = saneActor(message.properties.headers?.[ACTOR_ID_HEADER], message.properties.headers?.[ACTOR_ROLE_HEADER]);
    const done = this.inFlight.begin();
    const pattern = rmq.getPattern();
    const stopTimer = this.metrics.messageDuration.startTimer({ pattern });
    // The handler runs under a CONSUMER span (an RPC request: a SERVER span), a child of the publisher's context in
    // the headers (Nest's RMQ server carries no trace context of its own).
    const traced = startConsumerSpan(
      String(pattern),
      message.properties.headers,
      { 'messaging.destination.name': this.queue },
      isRpc ? SpanKind.SERVER : SpanKind.CONSUMER,
    );
    let settled = false;
    const settle = (outcome: string, action: () => void, error?: unknown) => {
      if (settled) return;
      settled = true;
      try {
        action();
      } finally {
        done();
        const seconds = stopTimer({ outcome });
        // One line per message, like an access log; the request id comes from the logger's context.
        this.logger.log(`${pattern} ${outcome} in ${(seconds * 1000).toFixed(1)} ms`);
        finishSpan(traced.span, error);
      }
    };

    return new Observable((subscriber) =>
      runWithRequestContext({ requestId, clientIp, actor }, () =>
        otelContext.with(traced.context, () =>
          defer(() => next.handle())
            .pipe(
              tap({
                complete: () => settle('handled', () => channel.ack(message)),
                error: (error: unknown) => settle('failed', () => (isRpc ? channel.ack(message) : this.rejectEvent(channel, message, rmq, error)), error),
                unsubscribe: () => settle('handled', () => channel.ack(message)),
              }),
            )
            .subscribe(subscriber),
        ),
      ),
    );
  }

  private rejectEvent(channel: Channel, message: Message, rmq: RmqContext, error: unknown): void {
    const attempt = Number(message.properties.headers?.[ATTEMPT_HEADER] ?? 1);
    const reason = error instanceof Error ? error.message : String(error);
    if (isTransient(error) && attempt < MAX_TRANSIENT_ATTEMPTS) {
      this.logger.warn(`transient failure on ${rmq.getPattern()} (attempt ${attempt}), retrying: ${reason}`);
      const headers = { ...message.properties.headers, [ATTEMPT_HEADER]: attempt + 1 };
      channel.sendToQueue(this.queue, message.content, {
        ...message.properties,
        headers,
        persistent: true,
      });
      channel.ack(message);
      return;
    }
    this.logger.error(`handler for ${rmq.getPattern()} failed, dead-lettering message: ${reason}`);
    channel.nack(message, false, false);
  }
}

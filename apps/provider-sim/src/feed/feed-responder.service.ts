import { Inject, Injectable } from '@nestjs/common';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { setTimeout as delay } from 'node:timers/promises';
import { PROVIDER_SIM_CONFIG, ProviderSimConfig } from '../config/provider-sim.config';
import { EMPTY_FEED, firstHalf, malformedCopy } from '../faults/fault-bodies.util';
import { FaultSpec } from '../faults/fault.dto';
import { FaultState } from '../faults/fault-state.service';
import { FeedStats } from '../stats/feed-stats.service';
import { isNotModified, validatorHeaders } from './conditional.util';
import { contentEtag, ServedFeed } from './feed-body.util';
import { FeedSource } from './feed-source.service';
import { ResponseTracker } from './response-tracker.service';

const XML = 'application/xml; charset=utf-8';
const TEXT = 'text/plain; charset=utf-8';

// Answers one GET /feed: the current fault if one is on, else the current body (or 304 when the client's
// validators still match). Faulted answers ignore conditional headers and do not move the rotation on.
@Injectable()
export class FeedResponder {
  constructor(
    @Inject(PROVIDER_SIM_CONFIG) private readonly config: ProviderSimConfig,
    private readonly source: FeedSource,
    private readonly faults: FaultState,
    private readonly stats: FeedStats,
    private readonly tracker: ResponseTracker,
  ) {}

  async respond(request: FastifyRequest, reply: FastifyReply): Promise<void> {
    const fault = this.faults.take();
    this.stats.received(fault?.mode);
    if (fault?.latency_ms && !(await this.waited(fault.latency_ms, reply))) return;
    if (!fault || fault.mode === 'latency') return this.serveFeed(request, reply);
    return this.serveFault(fault, reply);
  }

  private serveFeed(request: FastifyRequest, reply: FastifyReply): void {
    const served = this.source.next();
    const headers = this.feedHeaders(served);
    if (isNotModified(request.headers, served, this.config.validators)) return this.send(reply, 304, headers);
    this.send(reply, 200, headers, served.bytes);
  }

  private serveFault(fault: FaultSpec, reply: FastifyReply): void {
    const marker = { 'X-Provider-Sim-Fault': fault.mode };
    switch (fault.mode) {
      case 'server_error': {
        const retryAfter: Record<string, string> = fault.retry_after_s === undefined ? {} : { 'Retry-After': String(fault.retry_after_s) };
        return this.send(reply, fault.status ?? 503, { ...marker, ...retryAfter, 'Content-Type': TEXT }, 'simulated provider error\n');
      }
      case 'rate_limit':
        return this.send(reply, 429, { ...marker, 'Retry-After': String(fault.retry_after_s ?? 1), 'Content-Type': TEXT }, 'simulated rate limit\n');
      case 'malformed': {
        const body = malformedCopy(this.source.peek().bytes);
        return this.send(reply, 200, { ...marker, 'Content-Type': XML, ETag: contentEtag(body) }, body);
      }
      case 'empty':
        return this.send(reply, 200, { ...marker, 'Content-Type': XML, ETag: contentEtag(EMPTY_FEED) }, EMPTY_FEED);
      case 'hang':
        // Never a byte back: the request stays open until the client gives up (or the app closes).
        reply.hijack();
        return this.tracker.hold(reply.raw);
      case 'stall':
      case 'truncated': {
        // The real headers, Content-Length of the whole body included, then half of it.
        const served = this.source.peek();
        reply.hijack();
        this.stats.answered(200);
        reply.raw.writeHead(200, { ...this.feedHeaders(served), ...marker, 'Content-Length': String(served.bytes.length), 'X-Request-Id': reply.request.id });
        if (fault.mode === 'stall') {
          reply.raw.write(firstHalf(served.bytes));
          return this.tracker.hold(reply.raw);
        }
        reply.raw.write(firstHalf(served.bytes), () => reply.raw.destroy());
        return;
      }
    }
  }

  // False when the client went away or the app is closing; the connection is then closed unanswered.
  private async waited(ms: number, reply: FastifyReply): Promise<boolean> {
    try {
      await delay(ms, undefined, { signal: this.tracker.signalFor(reply.raw) });
      return true;
    } catch {
      reply.hijack();
      reply.raw.destroy();
      return false;
    }
  }

  private feedHeaders(served: ServedFeed): Record<string, string> {
    return { 'Content-Type': XML, 'X-Provider-Sim-Feed': served.label, ...validatorHeaders(served, this.config.validators) };
  }

  private send(reply: FastifyReply, status: number, headers: Record<string, string>, body?: Buffer | string): void {
    this.stats.answered(status);
    void reply.code(status).headers(headers).send(body);
  }
}

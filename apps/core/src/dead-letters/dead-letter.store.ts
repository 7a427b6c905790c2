import { Injectable, Logger, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { ConfirmChannel, ConsumeMessage } from 'amqplib';
import { createHash, randomUUID } from 'node:crypto';
import { MetricsService, RmqConnection } from '@app/common';
import { DeadLetterDetail, DeadLetterFilter, DeadLetterView, QUEUES, ReplayDeadLettersPayload, ReplayResult } from '@app/contracts';
import { DeadLetterCriteria, DeadLetterEntity, DeadLettersRepository } from '@app/persistence';

const PREFETCH = 10;
const REPLAY_LIMIT = 1000;

interface XDeath {
  count?: number;
  time?: { value?: number } | Date;
  queue?: string;
  reason?: string;
  exchange?: string;
  'routing-keys'?: string[];
}

function patternOf(body: string): string | null {
  try {
    const parsed = JSON.parse(body) as { pattern?: unknown };
    return typeof parsed.pattern === 'string' ? parsed.pattern : null;
  } catch {
    return null;
  }
}

export function toDeadLetterView(letter: DeadLetterEntity): DeadLetterView {
  let payload: unknown = letter.body;
  try {
    payload = JSON.parse(letter.body);
  } catch {
    // not JSON: shown as the raw text
  }
  return {
    id: letter.id,
    queue: letter.queue,
    routing_key: letter.routingKey,
    pattern: letter.pattern,
    reason: letter.reason,
    message_id: letter.messageId,
    payload,
    dead_lettered_at: letter.deadLetteredAt.toISOString(),
    replay_count: letter.replayCount,
  };
}

export function toDeadLetterDetail(letter: DeadLetterEntity): DeadLetterDetail {
  return { ...toDeadLetterView(letter), exchange: letter.exchange, headers: letter.headers, properties: letter.properties };
}

export function criteriaOf(filter: DeadLetterFilter | undefined, ids?: string[]): DeadLetterCriteria {
  return {
    ...(filter?.queue ? { queue: filter.queue } : {}),
    ...(filter?.pattern ? { pattern: filter.pattern } : {}),
    ...(filter?.text ? { text: filter.text } : {}),
    ...(filter?.from ? { from: new Date(filter.from) } : {}),
    ...(filter?.to ? { to: new Date(filter.to) } : {}),
    ...(ids ? { ids } : {}),
  };
}

// Drains the dead-letter queue into Postgres (ack only after the row is committed), so dead letters can be
// listed with paging and replayed to the queue they died in.
@Injectable()
export class DeadLetterStore implements OnApplicationBootstrap, OnApplicationShutdown {
  private readonly logger = new Logger(DeadLetterStore.name);
  private consumerTag?: string;

  constructor(
    private readonly rmq: RmqConnection,
    private readonly letters: DeadLettersRepository,
    metrics: MetricsService,
  ) {
    // From Postgres, so every core replica reports the same count (alerts take the max).
    metrics.gauge('dead_letters_pending', 'Dead letters stored and not yet replayed', () => this.letters.countPending({}));
  }

  async onApplicationBootstrap(): Promise<void> {
    await this.rmq.channel.addSetup(async (channel: ConfirmChannel) => {
      await channel.prefetch(PREFETCH);
      const { consumerTag } = await channel.consume(QUEUES.deadLetters, (message) => {
        if (message) void this.store(channel, message);
      });
      this.consumerTag = consumerTag;
    });
  }

  async onApplicationShutdown(): Promise<void> {
    if (this.consumerTag) await this.rmq.channel.cancel(this.consumerTag).catch(() => undefined);
  }

  private async store(channel: ConfirmChannel, message: ConsumeMessage): Promise<void> {
    const headers = { ...(message.properties.headers ?? {}) };
    const death = ((headers['x-death'] as XDeath[] | undefined) ?? [])[0] ?? {};
    const body = message.content.toString('utf8');
    delete headers['x-death'];
    delete headers['x-first-death-exchange'];
    delete headers['x-first-death-queue'];
    delete headers['x-first-death-reason'];
    delete headers['x-last-death-exchange'];
    delete headers['x-last-death-queue'];
    delete headers['x-last-death-reason'];
    // amqplib types the properties as any; AMQP's message-id is a short string.
    const messageId = message.properties.messageId as string | undefined;
    const identity = messageId ?? createHash('sha256').update(message.content).digest('hex');
    const deathTime = death.time instanceof Date ? death.time.getTime() : (death.time?.value ?? 0);
    try {
      await this.letters.insert({
        id: randomUUID(),
        // A replayed copy dies with fresh x-death headers (count 1, 1 s clock), so its origin is part of the key.
        dedupeKey: `${death.queue ?? message.fields.routingKey}:${identity}:${death.count ?? 1}:${deathTime}:${String(headers['x-replayed-from'] ?? '')}`,
        queue: death.queue ?? message.fields.routingKey,
        exchange: death.exchange ?? message.fields.exchange,
        routingKey: death['routing-keys']?.[0] ?? message.fields.routingKey,
        reason: death.reason ?? 'unknown',
        messageId: messageId ?? null,
        pattern: patternOf(body),
        body,
        headers,
        properties: { contentType: message.properties.contentType, correlationId: message.properties.correlationId },
        deadLetteredAt: new Date(),
        replayedAt: null,
        replayCount: 0,
      });
      channel.ack(message);
    } catch (error) {
      this.logger.warn(`could not store dead letter, requeueing: ${(error as Error).message}`);
      setTimeout(() => channel.nack(message, false, true), 1000).unref();
    }
  }

  async list(filter: DeadLetterFilter, page: number, pageSize: number) {
    return this.letters.listPending(criteriaOf(filter), page, pageSize);
  }

  find(id: string) {
    return this.letters.findById(id);
  }

  // Republishes each letter straight to the queue it died in (not to the exchange, so other consumers
  // do not get it twice). A letter is claimed before publishing, so concurrent replays cannot duplicate it.
  // A dry run only counts what would be replayed.
  async replay(request: ReplayDeadLettersPayload = {}): Promise<ReplayResult> {
    const criteria = criteriaOf(request.filter, request.ids);
    const matched = await this.letters.countPending(criteria);
    if (request.dry_run) return { dry_run: true, matched, replayed: 0, ids: [] };
    const pending = await this.letters.findPending(criteria, REPLAY_LIMIT);
    const replayed: string[] = [];
    for (const letter of pending) {
      if (!(await this.letters.markReplayed(letter.id))) continue;
      try {
        await this.rmq.publish('', letter.queue, Buffer.from(letter.body, 'utf8'), {
          messageId: letter.messageId ?? undefined,
          contentType: (letter.properties.contentType as string | undefined) ?? 'application/json',
          headers: { ...letter.headers, 'x-replayed-from': letter.id },
        });
        replayed.push(letter.id);
      } catch (error) {
        await this.letters.unmarkReplayed(letter.id);
        this.logger.warn(`replay of ${letter.id} failed: ${(error as Error).message}`);
      }
    }
    return { dry_run: false, matched, replayed: replayed.length, ids: replayed };
  }
}

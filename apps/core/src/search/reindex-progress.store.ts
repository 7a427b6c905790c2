import { Inject, Injectable, Logger } from '@nestjs/common';
import Redis from 'ioredis';
import { REDIS } from '@app/common';

export type ReindexPart = 'plans' | 'orders' | 'content';
export type ReindexState = 'queued' | 'running' | 'succeeded' | 'failed';

export interface ReindexPartProgress {
  status: ReindexState;
  done: number;
  total: number;
  error: string | null;
}

export interface ReindexProgress {
  id: string;
  target: string;
  status: ReindexState;
  started_at: string;
  finished_at: string | null;
  parts: Partial<Record<ReindexPart, ReindexPartProgress>>;
}

const KEY = (id: string) => `reindex:run:${id}`;
const TTL_SECONDS = 24 * 3600;

// The run's status as a whole: failed if a part failed, done when every part is, running once one started.
export function overallStatus(parts: ReindexPartProgress[]): ReindexState {
  if (parts.some((part) => part.status === 'failed')) return parts.every((part) => ['succeeded', 'failed'].includes(part.status)) ? 'failed' : 'running';
  if (parts.every((part) => part.status === 'succeeded')) return 'succeeded';
  return parts.some((part) => part.status !== 'queued') ? 'running' : 'queued';
}

// A rebuild's progress, per part, where every core replica and so every RPC can read it: Redis, for a day. It is
// a report, not state the rebuild depends on: when Redis is down the rebuild goes on and only its progress is
// unknown (the log still has each part's outcome).
@Injectable()
export class ReindexProgressStore {
  private readonly logger = new Logger(ReindexProgressStore.name);
  private readonly runs = new Map<string, ReindexProgress>();

  constructor(@Inject(REDIS) private readonly redis: Redis) {}

  async begin(id: string, target: string, parts: ReindexPart[]): Promise<void> {
    const progress: ReindexProgress = {
      id,
      target,
      status: 'queued',
      started_at: new Date().toISOString(),
      finished_at: null,
      parts: Object.fromEntries(parts.map((part) => [part, { status: 'queued', done: 0, total: 0, error: null }])),
    };
    this.runs.set(id, progress);
    await this.save(progress);
  }

  async update(id: string, part: ReindexPart, change: Partial<ReindexPartProgress>): Promise<void> {
    const progress = this.runs.get(id);
    const current = progress?.parts[part];
    if (!progress || !current) return;
    Object.assign(current, change);
    progress.status = overallStatus(Object.values(progress.parts));
    if (progress.status === 'succeeded' || progress.status === 'failed') {
      progress.finished_at = new Date().toISOString();
      this.runs.delete(id);
    }
    await this.save(progress);
  }

  async get(id: string): Promise<ReindexProgress | null> {
    const raw = await this.redis.get(KEY(id));
    return raw ? (JSON.parse(raw) as ReindexProgress) : (this.runs.get(id) ?? null);
  }

  private async save(progress: ReindexProgress): Promise<void> {
    try {
      await this.redis.set(KEY(progress.id), JSON.stringify(progress), 'EX', TTL_SECONDS);
    } catch (error) {
      this.logger.warn(`reindex ${progress.id}: progress not saved: ${(error as Error).message}`);
    }
  }
}

import { Inject, Injectable, Optional } from '@nestjs/common';
import { ExponentialBackoff, handleWhen, retry } from 'cockatiel';
import { tmpdir } from 'node:os';
import { SCHEDULER_CONFIG, SchedulerConfig } from '../../config/scheduler.config';
import { downloadFeed, FeedValidators, NotModified, SpooledFeed } from './feed-download.util';
import { FeedFetchError, RetryBudgetExhaustedError, seconds } from './feed-fetch.errors';
import { RetryBudgetBackoff } from './retry-budget.backoff';

export type FeedClientConfig = Pick<SchedulerConfig, 'PROVIDER_URL' | 'PROVIDER_TIMEOUT' | 'PROVIDER_RETRY_ATTEMPTS' | 'PROVIDER_MAX_FEED_BYTES'>;

// Fixed in code, injectable for tests: the exponential backoff between attempts (decorrelated jitter) before
// any Retry-After, and where bodies are spooled.
export interface FeedClientTuning {
  initialDelayMs: number;
  maxDelayMs: number;
  spoolDir: string;
}
export const FEED_CLIENT_TUNING = Symbol('FEED_CLIENT_TUNING');
const DEFAULT_TUNING: FeedClientTuning = { initialDelayMs: 250, maxDelayMs: 5000, spoolDir: tmpdir() };

export interface FeedFetchRequest {
  validators: FeedValidators; // from the last applied snapshot: a conditional GET when the provider sent them
  lastContentHash: string | null; // of the last applied snapshot: the same bytes again are unchanged
  deadline: number; // epoch ms; no attempt or wait starts that would end after it
  signal?: AbortSignal;
}

// Nothing to apply: a 304 to the conditional GET, or a 200 with the very bytes last applied.
export interface UnchangedFeed {
  kind: 'unchanged';
  how: 'not_modified' | 'same_content';
  validators: FeedValidators;
}

export type FeedFetchResult = (SpooledFeed | UnchangedFeed) & { attempts: number };

const isRetryable = handleWhen((error) => error instanceof FeedFetchError && error.retryable);

const plural = (n: number, word: string) => `${n} ${word}${n === 1 ? '' : 's'}`;

// Fetches the provider's feed: each attempt bounded by PROVIDER_TIMEOUT (headers and body), retried with
// exponential backoff and jitter on network errors, timeouts, truncated bodies, 5xx and 429 only, honouring
// Retry-After, up to PROVIDER_RETRY_ATTEMPTS retries and never past the deadline.
@Injectable()
export class ProviderFeedClient {
  constructor(
    @Inject(SCHEDULER_CONFIG) private readonly config: FeedClientConfig,
    @Optional() @Inject(FEED_CLIENT_TUNING) private readonly tuning: FeedClientTuning = DEFAULT_TUNING,
  ) {}

  async fetch(request: FeedFetchRequest): Promise<FeedFetchResult> {
    const base = new ExponentialBackoff({ initialDelay: this.tuning.initialDelayMs, maxDelay: this.tuning.maxDelayMs });
    const backoff = new RetryBudgetBackoff({ base, deadline: request.deadline, attemptMs: this.config.PROVIDER_TIMEOUT });
    const policy = retry(isRetryable, { maxAttempts: this.config.PROVIDER_RETRY_ATTEMPTS, backoff });
    let attempts = 0;
    try {
      const result = await policy.execute(() => {
        attempts += 1;
        // Only the first attempt can meet a budget shorter than PROVIDER_TIMEOUT: it gets what is left.
        const timeoutMs = Math.max(1, Math.min(this.config.PROVIDER_TIMEOUT, request.deadline - Date.now()));
        return downloadFeed({
          url: this.config.PROVIDER_URL,
          validators: request.validators,
          timeoutMs,
          maxBytes: this.config.PROVIDER_MAX_FEED_BYTES,
          spoolDir: this.tuning.spoolDir,
          signal: request.signal,
        });
      }, request.signal);
      return Object.assign(await this.unchangedOr(result, request.lastContentHash), { attempts });
    } catch (error) {
      throw this.describe(error, attempts);
    }
  }

  private async unchangedOr(result: SpooledFeed | NotModified, lastContentHash: string | null): Promise<SpooledFeed | UnchangedFeed> {
    if (result.kind === 'not_modified') return { kind: 'unchanged', how: 'not_modified', validators: result.validators };
    if (lastContentHash === null || result.contentHash !== lastContentHash) return result;
    await result.dispose();
    return { kind: 'unchanged', how: 'same_content', validators: result.validators };
  }

  private describe(error: unknown, attempts: number): unknown {
    const tried = plural(attempts, 'attempt');
    if (error instanceof RetryBudgetExhaustedError && error.lastError instanceof FeedFetchError) {
      const wait = error.askedByProvider ? `the ${seconds(error.waitMs)} the provider asked to wait (Retry-After)` : 'another attempt';
      return error.lastError.withMessage(`${error.lastError.message}; gave up after ${tried}: ${wait} would not end before the next sync`);
    }
    if (error instanceof FeedFetchError) return error.withMessage(error.retryable && attempts > 1 ? `${error.message} (${tried})` : error.message);
    return error;
  }
}

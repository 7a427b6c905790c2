import { IBackoff, IBackoffFactory, IRetryBackoffContext } from 'cockatiel';
import { FeedFetchError, RetryBudgetExhaustedError } from './feed-fetch.errors';

export interface RetryBudgetOptions {
  base: IBackoffFactory<unknown>; // exponential with jitter
  deadline: number; // epoch ms: the budget ends before the next sync tick
  attemptMs: number; // a whole attempt (PROVIDER_TIMEOUT)
  now?: () => number;
}

const retryAfterOf = (context: IRetryBackoffContext<unknown>): number | undefined =>
  'error' in context.result && context.result.error instanceof FeedFetchError ? context.result.error.details.retryAfterMs : undefined;

// The wait before each retry: the exponential backoff's, or longer when the provider asked for it
// (Retry-After on 429 / 503). A wait that, with a whole attempt after it, would overrun the budget is never
// started: the backoff throws, which ends cockatiel's retry loop at once with that error.
export class RetryBudgetBackoff implements IBackoffFactory<IRetryBackoffContext<unknown>> {
  private readonly now: () => number;

  constructor(private readonly options: RetryBudgetOptions) {
    this.now = options.now ?? Date.now;
  }

  next(context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    return this.step(this.options.base.next(context), context);
  }

  private step(base: IBackoff<unknown>, context: IRetryBackoffContext<unknown>): IBackoff<IRetryBackoffContext<unknown>> {
    const retryAfterMs = retryAfterOf(context);
    const duration = Math.max(base.duration, retryAfterMs ?? 0);
    if (this.now() + duration + this.options.attemptMs > this.options.deadline) {
      throw new RetryBudgetExhaustedError('error' in context.result ? context.result.error : undefined, duration, retryAfterMs !== undefined);
    }
    return { duration, next: (nextContext) => this.step(base.next(nextContext), nextContext) };
  }
}

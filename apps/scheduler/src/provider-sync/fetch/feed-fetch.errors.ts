// Why one fetch of the feed failed. `retryable` says whether another attempt may help: network errors,
// timeouts, a body cut short, 5xx and 429. Messages are short and human (they end up in the run's `error`):
// no URL, no host, no stack.
export type FeedFetchFailure = 'network' | 'timeout' | 'truncated' | 'http' | 'too_large' | 'interrupted';

export class FeedFetchError extends Error {
  override readonly name = 'FeedFetchError';

  constructor(
    message: string,
    readonly failure: FeedFetchFailure,
    readonly retryable: boolean,
    readonly details: { status?: number; retryAfterMs?: number } = {},
  ) {
    super(message);
  }

  // The same failure, its message completed (attempts made, why the retries stopped).
  withMessage(message: string): FeedFetchError {
    return new FeedFetchError(message, this.failure, this.retryable, this.details);
  }
}

// Thrown by the retry backoff when the next wait plus a whole attempt would overrun the sync's budget.
export class RetryBudgetExhaustedError extends Error {
  override readonly name = 'RetryBudgetExhaustedError';

  constructor(
    readonly lastError: unknown,
    readonly waitMs: number,
    readonly askedByProvider: boolean,
  ) {
    super('retry budget exhausted');
  }
}

const NETWORK_CAUSES: Record<string, string> = {
  ECONNREFUSED: 'connection refused',
  ECONNRESET: 'connection reset',
  EPIPE: 'connection reset',
  ENOTFOUND: 'host name not resolved',
  EAI_AGAIN: 'host name not resolved',
  EHOSTUNREACH: 'host unreachable',
  ENETUNREACH: 'network unreachable',
  ETIMEDOUT: 'connection timed out',
  UND_ERR_CONNECT_TIMEOUT: 'connection timed out',
  UND_ERR_SOCKET: 'connection closed',
  UND_ERR_HEADERS_TIMEOUT: 'no response headers',
  CERT_HAS_EXPIRED: 'TLS certificate expired',
  DEPTH_ZERO_SELF_SIGNED_CERT: 'TLS certificate not trusted',
  UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'TLS certificate not trusted',
};

// undici wraps the socket's error as the cause of a TypeError('fetch failed'); only its code is kept.
export function networkCause(error: unknown): string {
  let current: unknown = error;
  for (let depth = 0; depth < 4 && current && typeof current === 'object'; depth++) {
    const code = (current as { code?: unknown }).code;
    if (typeof code === 'string' && NETWORK_CAUSES[code]) return NETWORK_CAUSES[code];
    current = (current as { cause?: unknown }).cause;
  }
  return 'network error';
}

export function seconds(ms: number): string {
  const value = ms / 1000;
  return `${Number.isInteger(value) ? value : value.toFixed(1)} s`;
}

import { createHash } from 'node:crypto';
import { createReadStream, createWriteStream } from 'node:fs';
import { mkdtemp, rm } from 'node:fs/promises';
import { join } from 'node:path';
import { Readable, Transform, TransformCallback } from 'node:stream';
import { pipeline } from 'node:stream/promises';
import type { ReadableStream as WebReadableStream } from 'node:stream/web';
import { FeedFetchError, networkCause, seconds } from './feed-fetch.errors';
import { parseRetryAfterMs } from './retry-after.util';

export interface FeedValidators {
  etag: string | null;
  lastModified: string | null;
}

export interface DownloadRequest {
  url: string;
  validators: FeedValidators;
  timeoutMs: number; // the whole attempt: connect, headers and body
  maxBytes: number;
  spoolDir: string; // where the body's temp file goes
  signal?: AbortSignal; // the scheduler shutting down
}

// A 200's body, spooled to a temp file while hashed, so memory stays flat whatever the feed's size.
export class SpooledFeed {
  readonly kind = 'fetched';

  constructor(
    private readonly dir: string,
    private readonly path: string,
    readonly bytes: number,
    readonly contentHash: string, // sha256, hex, of the (decoded) body
    readonly validators: FeedValidators,
    readonly lastModifiedAt: Date | null,
  ) {}

  open(): Readable {
    return createReadStream(this.path);
  }

  async dispose(): Promise<void> {
    await rm(this.dir, { recursive: true, force: true });
  }
}

export interface NotModified {
  kind: 'not_modified';
  validators: FeedValidators;
}

// Counts and hashes what passes, and stops the body once it passes the cap.
class BodyMeter extends Transform {
  bytes = 0;
  private readonly hash = createHash('sha256');

  constructor(private readonly maxBytes: number) {
    super();
  }

  override _transform(chunk: Buffer, _encoding: BufferEncoding, done: TransformCallback): void {
    this.bytes += chunk.length;
    if (this.bytes > this.maxBytes) return done(tooLarge(this.maxBytes));
    this.hash.update(chunk);
    done(null, chunk);
  }

  digest(): string {
    return this.hash.digest('hex');
  }
}

const TIMEOUT = Symbol('attempt timeout');
const INTERRUPTED = Symbol('interrupted');

const tooLarge = (maxBytes: number) => new FeedFetchError(`the feed is larger than PROVIDER_MAX_FEED_BYTES (${maxBytes} bytes)`, 'too_large', false);

function validatorsOf(response: Response): FeedValidators {
  return { etag: response.headers.get('etag'), lastModified: response.headers.get('last-modified') };
}

function conditionalHeaders(validators: FeedValidators): Record<string, string> {
  const headers: Record<string, string> = { accept: 'application/xml, text/xml;q=0.9, */*;q=0.1' };
  if (validators.etag) headers['if-none-match'] = validators.etag;
  if (validators.lastModified) headers['if-modified-since'] = validators.lastModified;
  return headers;
}

function statusError(response: Response): FeedFetchError {
  const status = response.status;
  const retryable = status === 429 || status >= 500;
  const retryAfterMs = status === 429 || status === 503 ? parseRetryAfterMs(response.headers.get('retry-after'), Date.now()) : undefined;
  const text = response.statusText ? ` ${response.statusText}` : '';
  return new FeedFetchError(`the provider answered HTTP ${status}${text}`, 'http', retryable, { status, retryAfterMs });
}

function abortError(signal: AbortSignal, timeoutMs: number, phase: 'answer' | 'body'): FeedFetchError | undefined {
  if (!signal.aborted) return undefined;
  if (signal.reason === INTERRUPTED) return new FeedFetchError('interrupted: the scheduler is shutting down', 'interrupted', false);
  const what = phase === 'answer' ? 'did not answer' : 'did not send the whole feed';
  return new FeedFetchError(`the provider ${what} within ${seconds(timeoutMs)} (PROVIDER_TIMEOUT)`, 'timeout', true);
}

async function discard(response: Response): Promise<void> {
  await response.body?.cancel().catch(() => undefined);
}

// One HTTP attempt: a conditional GET whose deadline covers the headers and the whole body.
export async function downloadFeed(request: DownloadRequest): Promise<SpooledFeed | NotModified> {
  const controller = new AbortController();
  const timer = setTimeout(() => controller.abort(TIMEOUT), request.timeoutMs);
  const interrupt = () => controller.abort(INTERRUPTED);
  if (request.signal?.aborted) interrupt();
  request.signal?.addEventListener('abort', interrupt, { once: true });
  let dir: string | undefined;
  try {
    let response: Response;
    try {
      response = await fetch(request.url, { headers: conditionalHeaders(request.validators), signal: controller.signal, redirect: 'follow' });
    } catch (error) {
      throw abortError(controller.signal, request.timeoutMs, 'answer') ?? new FeedFetchError(`the provider is unreachable (${networkCause(error)})`, 'network', true);
    }
    if (response.status === 304) {
      await discard(response);
      if (!request.validators.etag && !request.validators.lastModified) {
        throw new FeedFetchError('the provider answered HTTP 304 to an unconditional request', 'http', false, { status: 304 });
      }
      return { kind: 'not_modified', validators: validatorsOf(response) };
    }
    if (response.status !== 200) {
      await discard(response);
      throw statusError(response);
    }
    // A compressed body is decoded by fetch: Content-Length then counts other bytes than the ones we read.
    const encoded = (response.headers.get('content-encoding') ?? 'identity').toLowerCase() !== 'identity';
    const lengthHeader = response.headers.get('content-length');
    const declared = !encoded && lengthHeader !== null && /^\d+$/.test(lengthHeader) ? Number(lengthHeader) : undefined;
    if (declared !== undefined && declared > request.maxBytes) {
      await discard(response);
      throw tooLarge(request.maxBytes);
    }
    dir = await mkdtemp(join(request.spoolDir, 'provider-feed-'));
    const path = join(dir, 'feed.xml');
    const meter = new BodyMeter(request.maxBytes);
    const body = response.body ? Readable.fromWeb(response.body as WebReadableStream<Uint8Array>) : Readable.from([]);
    try {
      await pipeline(body, meter, createWriteStream(path));
    } catch (error) {
      // A timeout or a shutdown aborted the body; anything else that ends it early is a truncated body.
      const aborted = abortError(controller.signal, request.timeoutMs, 'body');
      controller.abort();
      if (error instanceof FeedFetchError) throw error;
      throw aborted ?? truncated(meter.bytes, declared);
    }
    if (declared !== undefined && meter.bytes !== declared) throw truncated(meter.bytes, declared);
    const lastModifiedAt = parseHttpDate(response.headers.get('last-modified'));
    return new SpooledFeed(dir, path, meter.bytes, meter.digest(), validatorsOf(response), lastModifiedAt);
  } catch (error) {
    if (dir) await rm(dir, { recursive: true, force: true });
    throw error;
  } finally {
    clearTimeout(timer);
    request.signal?.removeEventListener('abort', interrupt);
  }
}

function truncated(received: number, declared: number | undefined): FeedFetchError {
  const of = declared === undefined ? '' : ` of the ${declared} announced`;
  return new FeedFetchError(`the provider closed the connection before the feed was complete (${received} bytes${of})`, 'truncated', true);
}

function parseHttpDate(value: string | null): Date | null {
  if (!value) return null;
  const at = Date.parse(value);
  return Number.isNaN(at) ? null : new Date(at);
}

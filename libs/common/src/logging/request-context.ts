import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
}

export const REQUEST_ID_HEADER = 'x-request-id';
const storage = new AsyncLocalStorage<RequestContext>();
// Accept a client's id only when it is short and plain, so it is safe to log and echo.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function saneRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

import { AsyncLocalStorage } from 'node:async_hooks';
import { randomUUID } from 'node:crypto';

export interface RequestContext {
  requestId: string;
  // The client's address as the gateway saw it (TRUST_PROXY decides whether X-Forwarded-For counts); carried to
  // core in the x-client-ip header so audit events can name it.
  clientIp?: string;
  // Who asked, for the admin commands whose payload names no actor (x-actor-id, x-actor-role).
  actor?: { id: string; role: string };
}

export const REQUEST_ID_HEADER = 'x-request-id';
export const CLIENT_IP_HEADER = 'x-client-ip';
export const ACTOR_ID_HEADER = 'x-actor-id';
export const ACTOR_ROLE_HEADER = 'x-actor-role';
const SANE_ACTOR_ID = /^[0-9a-fA-F-]{36}$/;
const SANE_ROLE = /^[a-z]{1,20}$/;
const SANE_IP = /^[0-9A-Fa-f:.]{2,45}$/;

export function saneClientIp(candidate: unknown): string | undefined {
  return typeof candidate === 'string' && SANE_IP.test(candidate) ? candidate : undefined;
}
const storage = new AsyncLocalStorage<RequestContext>();
// Accept a client's id only when it is short and plain, so it is safe to log and echo.
const SANE_REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;

export function saneRequestId(candidate: unknown): string {
  return typeof candidate === 'string' && SANE_REQUEST_ID.test(candidate) ? candidate : randomUUID();
}

export function runWithRequestContext<T>(context: RequestContext, fn: () => T): T {
  return storage.run(context, fn);
}

// For work that one request starts but that serves many (a background pass): it runs in no request's context.
export function outsideRequestContext<T>(fn: () => T): T {
  return storage.exit(fn);
}

export function enterRequestContext(context: RequestContext): void {
  storage.enterWith(context);
}

export function currentRequestId(): string | undefined {
  return storage.getStore()?.requestId;
}

export function currentClientIp(): string | undefined {
  return storage.getStore()?.clientIp;
}

export function currentActor(): { id: string; role: string } | undefined {
  return storage.getStore()?.actor;
}

export function saneActor(id: unknown, role: unknown): { id: string; role: string } | undefined {
  return typeof id === 'string' && SANE_ACTOR_ID.test(id) && typeof role === 'string' && SANE_ROLE.test(role) ? { id, role } : undefined;
}

// The headers that carry the current request's context across RabbitMQ (and, when given, who asked).
export function requestContextHeaders(requestId: string, actor?: { id: string; role: string }): Record<string, string> {
  const headers: Record<string, string> = { [REQUEST_ID_HEADER]: requestId };
  const clientIp = currentClientIp();
  if (clientIp) headers[CLIENT_IP_HEADER] = clientIp;
  if (actor) Object.assign(headers, { [ACTOR_ID_HEADER]: actor.id, [ACTOR_ROLE_HEADER]: actor.role });
  return headers;
}

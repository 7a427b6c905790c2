import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
import type { ChainableCommander } from 'ioredis';
import { Role } from '@app/contracts';

export const ROLES_KEY = 'access:roles';
export const READONLY_MAY_WRITE = 'access:readonly-may-write';

// Only these roles may call the route (default: any authenticated role).
export const Roles = (...roles: Role[]) => SetMetadata(ROLES_KEY, roles);
// `readonly` is GET-only by default; this lets it call a non-GET route that changes only its own session.
export const ReadonlyMayCall = () => SetMetadata(READONLY_MAY_WRITE, true);

export const PREFETCH_HASH = 'access:prefetch-hash';

export type HashPrefetch =
  | {
      key: (params: Record<string, string>) => string;
      // The hash fields to read (HMGET); without them the key is a string (GET) and request.prefetched is [value].
      fields?: readonly string[];
    }
  | {
      // Queues its own read (a script) on the access check's pipeline; its reply lands on request.prefetched
      // (an array reply as is, anything else as [reply]). Queues nothing when the request is not one it can read.
      queue: (pipeline: ChainableCommander, request: FastifyRequest) => void;
    };

// Reads a Redis hash (or string) in the same round trip as the access check (rate limit + principal), for routes
// whose answer usually comes from the cache. The result lands on request.prefetched.
export const PrefetchHash = (prefetch: HashPrefetch) => SetMetadata(PREFETCH_HASH, prefetch);

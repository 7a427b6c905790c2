import { SetMetadata } from '@nestjs/common';
import type { FastifyRequest } from 'fastify';
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
      // A read script of one key (KEYS[1], then its ARGV), run inside the access check's script; its reply lands on
      // request.prefetched (an array reply as is, anything else as [reply]). `read` gives its key and arguments, or
      // null when the request is not one it can read (then nothing is prefetched).
      lua: string;
      read: (request: FastifyRequest) => { key: string; args: string[] } | null;
    };

// Reads a Redis hash (or string) in the same round trip as the access check (rate limit + principal), for routes
// whose answer usually comes from the cache. The result lands on request.prefetched.
export const PrefetchHash = (prefetch: HashPrefetch) => SetMetadata(PREFETCH_HASH, prefetch);

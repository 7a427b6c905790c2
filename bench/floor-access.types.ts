import type { FastifyReply, FastifyRequest } from 'fastify';
import type { ChainableCommander } from 'ioredis';
import type { Actor } from '@app/contracts';

// The floor's access check, shared by the floor's route modules (types only, so they import it without a circle).

export interface CachedPrincipal {
  user: { id: string; role: Actor['role'] };
  version: number;
  deleted: boolean;
}

export interface Access {
  principal: CachedPrincipal;
  prefetched?: Array<string | null>; // the reply of the route's own read in the round trip, when it queued one
}

// The access check: sends the refusal itself and resolves null, or the principal and the route's prefetched reply.
// `prefetch` queues the route's read (a hash, a script) on the same pipeline as the rate limit and the principal.
export type FloorReadAccess = (request: FastifyRequest, reply: FastifyReply, prefetch?: (pipeline: ChainableCommander) => void) => Promise<Access | null>;

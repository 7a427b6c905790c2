import { createHash } from 'node:crypto';
import type { FastifyRequest } from 'fastify';
import type Redis from 'ioredis';
import { principalKey } from '@app/common';
import { RATE_LIMIT_STEPS, RATE_LIMIT_WINDOW_MS, rateLimitKey } from '../rate-limit/rate-limiter';
import { HashPrefetch } from './access.decorators';

// [count, ttl ms] of the user's rate limit, the cached principal's JSON (or null), and the prefetched value
// (undefined when nothing was to be prefetched).
export type AccessRead = [number, number, string | null, Array<string | null> | string | null | undefined];

interface ReadScript {
  lua: string;
  sha: string;
}

// The access check's one Redis command: the user's rate limit, the cached principal and the route's prefetch in
// one script (KEYS: counter, principal, prefetched key; ARGV: window, then the prefetch's arguments). One command
// instead of a pipeline of three: one reply, one promise and one timer per request, which is most of the gateway's
// Redis cost on a cached read. Scripts are sent by SHA (EVAL once after a Redis restart forgot them).
export class AccessReader {
  private readonly scripts = new Map<string, ReadScript>();

  constructor(private readonly redis: Redis) {}

  async read(request: FastifyRequest, userId: string, prefetch: HashPrefetch | undefined): Promise<AccessRead> {
    const keys = [rateLimitKey(`user:${userId}`), principalKey(userId)];
    const args: Array<string | number> = [RATE_LIMIT_WINDOW_MS];
    let step = 'local prefetched = false';
    if (prefetch && 'lua' in prefetch) {
      const read = prefetch.read(request);
      if (read) {
        keys.push(read.key);
        args.push(...read.args);
        step = `local function read(KEYS, ARGV)\n${prefetch.lua}\nend\nlocal prefetched = read({KEYS[3]}, {unpack(ARGV, 2)})`;
      }
    } else if (prefetch) {
      keys.push(prefetch.key(request.params as Record<string, string>));
      if (prefetch.fields) {
        args.push(...prefetch.fields);
        step = `local prefetched = redis.call('HMGET', KEYS[3], unpack(ARGV, 2))`;
      } else step = `local prefetched = redis.call('GET', KEYS[3])`;
    }
    const result = await this.run(this.script(step), keys, args);
    if (keys.length < 3) result[3] = undefined;
    return result;
  }

  private script(step: string): ReadScript {
    let script = this.scripts.get(step);
    if (!script) {
      const lua = `${RATE_LIMIT_STEPS}\nlocal principal = redis.call('GET', KEYS[2])\n${step}\nreturn {count, ttl, principal, prefetched}`;
      script = { lua, sha: createHash('sha1').update(lua).digest('hex') };
      this.scripts.set(step, script);
    }
    return script;
  }

  private async run(script: ReadScript, keys: string[], args: Array<string | number>): Promise<AccessRead> {
    try {
      return (await this.redis.evalsha(script.sha, keys.length, ...keys, ...args)) as AccessRead;
    } catch (error) {
      if (!(error instanceof Error) || !error.message.startsWith('NOSCRIPT')) throw error;
      return (await this.redis.eval(script.lua, keys.length, ...keys, ...args)) as AccessRead;
    }
  }
}

import type Redis from 'ioredis';
import type { Principal } from '@app/contracts';

// The gateway authorizes from this cache; core fills it. Redis is only a cache: a miss asks core.
export const PRINCIPAL_TTL_SECONDS = 300;
// How long the fence's pending marker refuses fills of older versions (the commit follows within milliseconds).
export const PRINCIPAL_FENCE_TTL_SECONDS = 30;
export const principalKey = (userId: string) => `principal:${userId}`;

// What the key holds while a change to the user is being committed: never a principal to authorize from.
export interface PendingPrincipal {
  pending: true;
  version: number;
}

// True for a cached value the gateway may authorize from (a pending marker is a miss).
export function isUsablePrincipal(cached: Principal | PendingPrincipal | null): cached is Principal {
  return cached !== null && !(cached as Partial<PendingPrincipal>).pending;
}

// Writes only over an older version, or over the pending marker of the same version, so a slow fill can never
// overwrite a newer write and a fill that read the row before a change cannot land over that change's fence.
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and type(decoded) == 'table' and tonumber(decoded.version) then
    local stored = tonumber(decoded.version)
    local incoming = tonumber(ARGV[2])
    if stored > incoming or (stored == incoming and not decoded.pending) then return 0 end
  end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

// Before a change to the user commits: the DEL always runs (Redis allows it even when full under noeviction), and
// the pending marker is best effort. Either way the gateway no longer authorizes from the old principal.
const FENCE = `
redis.call('DEL', KEYS[1])
local ok = pcall(redis.call, 'SET', KEYS[1], ARGV[1], 'EX', ARGV[2])
if ok then return 1 end
return 0`;

type PrincipalCommands = Redis & {
  setIfNewer(key: string, value: string, version: number, ttl: number): Promise<number>;
  fencePrincipal(key: string, marker: string, ttl: number): Promise<number>;
};

export class PrincipalCache {
  constructor(private readonly redis: Redis) {
    this.redis.defineCommand('setIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
    this.redis.defineCommand('fencePrincipal', { numberOfKeys: 1, lua: FENCE });
  }

  async read(userId: string): Promise<Principal | PendingPrincipal | null> {
    const raw = await this.redis.get(principalKey(userId));
    return raw ? (JSON.parse(raw) as Principal | PendingPrincipal) : null;
  }

  async write(principal: Principal): Promise<void> {
    await (this.redis as PrincipalCommands).setIfNewer(principalKey(principal.user.id), JSON.stringify(principal), principal.version, PRINCIPAL_TTL_SECONDS);
  }

  // Removes the cached principal and leaves a pending marker at the version about to be committed; throws when
  // Redis could not be reached, so the caller rolls the change back instead of committing behind a stale cache.
  // Resolves true when the marker was written too.
  async fence(userId: string, version: number): Promise<boolean> {
    const marker: PendingPrincipal = { pending: true, version };
    return (await (this.redis as PrincipalCommands).fencePrincipal(principalKey(userId), JSON.stringify(marker), PRINCIPAL_FENCE_TTL_SECONDS)) === 1;
  }
}

import type Redis from 'ioredis';
import type { Principal } from '@app/contracts';

// The gateway authorizes from this cache; core fills it. Redis is only a cache: a miss asks core.
export const PRINCIPAL_TTL_SECONDS = 300;
export const principalKey = (userId: string) => `principal:${userId}`;

// Writes only when the stored version is older, so a slow fill can never overwrite a newer write.
const SET_IF_NEWER = `
local current = redis.call('GET', KEYS[1])
if current then
  local ok, decoded = pcall(cjson.decode, current)
  if ok and tonumber(decoded.version) >= tonumber(ARGV[2]) then return 0 end
end
redis.call('SET', KEYS[1], ARGV[1], 'EX', ARGV[3])
return 1`;

export class PrincipalCache {
  constructor(private readonly redis: Redis) {
    this.redis.defineCommand('setIfNewer', { numberOfKeys: 1, lua: SET_IF_NEWER });
  }

  async read(userId: string): Promise<Principal | null> {
    const raw = await this.redis.get(principalKey(userId));
    return raw ? (JSON.parse(raw) as Principal) : null;
  }

  async write(principal: Principal): Promise<void> {
    const redis = this.redis as Redis & { setIfNewer(key: string, value: string, version: number, ttl: number): Promise<number> };
    await redis.setIfNewer(principalKey(principal.user.id), JSON.stringify(principal), principal.version, PRINCIPAL_TTL_SECONDS);
  }
}

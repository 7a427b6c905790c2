import Redis from 'ioredis';
import { principalKey } from '@app/common';
import type { BenchContent, BenchPlans, BenchUser, WritePlan } from './scenario.types';
import { call, expectStatus } from './http.util';
import { planDocument } from './plan-document.util';
import { TARGET_TAG, WRITE_CONNECTIONS } from './scenarios';
import { Target } from './results.util';

// What the scenarios need in place before they run: a user with a cached principal, and plans to read and write.

export async function signUpAndLogIn(gatewayUrl: string): Promise<BenchUser> {
  const credentials = { email: 'bench@example.com', password: 'bench-password-1' };
  const signup = await call('POST', `${gatewayUrl}/api/v1/auth/signup`, {}, { name: 'Bench User', ...credentials });
  expectStatus('signup', signup, 201);
  const token = await call('POST', `${gatewayUrl}/api/v1/auth/token`, {}, { username: credentials.email, password: credentials.password });
  expectStatus('token', token, 200);
  return { id: (signup.body as { id: string }).id, accessToken: (token.body as { access_token: string }).access_token };
}

async function createPlan(baseUrl: string, user: BenchUser, suffix: string): Promise<{ id: string; etag: string }> {
  const headers = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' };
  const created = await call('POST', `${baseUrl}/api/v1/plans`, headers, JSON.parse(planDocument(suffix)));
  expectStatus(`create plan at ${baseUrl}`, created, 201);
  return { id: (created.body as { objectId: string }).objectId, etag: created.headers.get('etag') ?? '' };
}

// Core caches a plan when it creates it; one GET proves the gateway answers it from that cache.
async function assertPlanCached(gatewayUrl: string, user: BenchUser, id: string): Promise<void> {
  const read = await call('GET', `${gatewayUrl}/api/v1/plans/${id}`, { authorization: `Bearer ${user.accessToken}` });
  expectStatus('plan read', read, 200);
  if (read.headers.get('x-cache') !== 'HIT') throw new Error(`plan read answered X-Cache: ${read.headers.get('x-cache')}, expected HIT`);
}

// The read plan through the gateway; the plans each write scenario's connections replace or patch, through
// the server that will write them (the floor has its own database).
export async function createPlans(urls: Record<Target, string>, user: BenchUser, runTag: string): Promise<BenchPlans> {
  const many = async (target: Target, prefix: string): Promise<WritePlan[]> => {
    const plans: WritePlan[] = [];
    for (let i = 0; i < WRITE_CONNECTIONS; i += 1) {
      const suffix = `${runTag}-${prefix}-${TARGET_TAG[target]}${i}`;
      plans.push({ id: (await createPlan(urls[target], user, suffix)).id, suffix });
    }
    return plans;
  };
  const read = await createPlan(urls.project, user, `${runTag}-read`);
  await assertPlanCached(urls.project, user, read.id);
  return {
    read,
    put: { floor: await many('floor', 'put'), project: await many('project', 'put') },
    patch: { floor: await many('floor', 'patch'), project: await many('project', 'patch') },
  };
}

// `count` content items through the gateway (a few in flight), all by the bench user; the last one is the hit
// scenarios' item. Core writes each item through to its cache, so that one is read back as a HIT.
export async function createContent(gatewayUrl: string, user: BenchUser, runTag: string, count: number): Promise<BenchContent> {
  const headers = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' };
  const created: Array<{ id: string; etag: string }> = [];
  const create = async (index: number) => {
    const fields = {
      title: `Bench item ${runTag} ${index}`,
      content: `What bench item ${index} of run ${runTag} says: compare the deductible, the copay and the network before picking a plan.`,
      image: `https://example.com/bench/${runTag}/${index}.png`,
    };
    const reply = await call('POST', `${gatewayUrl}/api/v1/content`, headers, fields);
    expectStatus('create content', reply, 201);
    created[index] = { id: (reply.body as { id: string }).id, etag: reply.headers.get('etag') ?? '' };
  };
  const inFlight = 10;
  for (let start = 0; start < count; start += inFlight) {
    await Promise.all(Array.from({ length: Math.min(inFlight, count - start) }, (_, offset) => create(start + offset)));
  }
  const read = created.at(-1)!;
  await ensureCached(gatewayUrl, user, `/api/v1/content/${read.id}`);
  return { read, items: created.slice(0, -1).map((item) => item.id) };
}

// Reads a path through the gateway until the cache answers it: at most one fill (MISS), then HIT.
export async function ensureCached(gatewayUrl: string, user: BenchUser, path: string): Promise<void> {
  const auth = { authorization: `Bearer ${user.accessToken}` };
  for (let attempt = 0; attempt < 2; attempt += 1) {
    const read = await call('GET', `${gatewayUrl}${path}`, auth);
    expectStatus(`${path} cache warm-up`, read, 200);
    if (read.headers.get('x-cache') === 'HIT') return;
  }
  throw new Error(`${path} is not answered from the cache after a fill`);
}

// The principal lives PRINCIPAL_TTL_SECONDS in Redis and reads do not extend it. Dropping it and letting the
// gateway refill it (MISS, then HIT) before each round restarts that clock, so no round straddles an expiry.
export async function primePrincipalCache(gatewayUrl: string, redis: Redis, user: BenchUser): Promise<void> {
  await redis.del(principalKey(user.id));
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const fill = await call('GET', `${gatewayUrl}/api/v1/users/me`, auth);
  expectStatus('users/me cache fill', fill, 200);
  const hit = await call('GET', `${gatewayUrl}/api/v1/users/me`, auth);
  expectStatus('users/me after fill', hit, 200);
  if (hit.headers.get('x-cache') !== 'HIT') {
    throw new Error(`users/me after a fill answered X-Cache: ${hit.headers.get('x-cache')}, expected HIT`);
  }
}

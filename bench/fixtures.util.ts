import { readFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import Redis from 'ioredis';
import { principalKey } from '@app/common';
import { call, expectStatus } from './http.util';
import { addEvents, EventLedger } from './index-lag.util';
import { BenchPlans, BenchUser, PATCH_CONNECTIONS } from './scenarios';

// What the scenarios need in place before they run: a user with a cached principal, and plans to read and patch.
const PLAN_EXAMPLE = readFileSync(join(resolve(__dirname, '..', '..'), 'test', 'fixtures', 'plan-example.json'), 'utf8');

export async function signUpAndLogIn(gatewayUrl: string): Promise<BenchUser> {
  const credentials = { email: 'bench@example.com', password: 'bench-password-1' };
  const signup = await call('POST', `${gatewayUrl}/api/v1/auth/signup`, {}, { name: 'Bench User', ...credentials });
  expectStatus('signup', signup, 201);
  const token = await call('POST', `${gatewayUrl}/api/v1/auth/token`, {}, { username: credentials.email, password: credentials.password });
  expectStatus('token', token, 200);
  return { id: (signup.body as { id: string }).id, accessToken: (token.body as { access_token: string }).access_token };
}

// The example plan with every objectId made unique by the suffix, so each POST creates new objects.
export function planDocument(suffix: string): string {
  return PLAN_EXAMPLE.replace(/"objectId":\s*"([^"]+)"/g, (_match, id: string) => `"objectId": "${id}-${suffix}"`);
}

async function createPlan(gatewayUrl: string, user: BenchUser, suffix: string): Promise<{ id: string; etag: string }> {
  const headers = { authorization: `Bearer ${user.accessToken}`, 'content-type': 'application/json' };
  const created = await call('POST', `${gatewayUrl}/api/v1/plans`, headers, JSON.parse(planDocument(suffix)));
  expectStatus('create plan', created, 201);
  return { id: (created.body as { objectId: string }).objectId, etag: created.headers.get('etag') ?? '' };
}

// Core caches a plan when it creates it; one GET proves the gateway answers it from that cache.
async function assertPlanCached(gatewayUrl: string, user: BenchUser, id: string): Promise<void> {
  const read = await call('GET', `${gatewayUrl}/api/v1/plans/${id}`, { authorization: `Bearer ${user.accessToken}` });
  expectStatus('plan read', read, 200);
  if (read.headers.get('x-cache') !== 'HIT') throw new Error(`plan read answered X-Cache: ${read.headers.get('x-cache')}, expected HIT`);
}

export async function createPlans(gatewayUrl: string, user: BenchUser, runTag: string, ledger: EventLedger): Promise<BenchPlans> {
  const many = async (prefix: string, count: number) => {
    const ids: string[] = [];
    for (let i = 0; i < count; i += 1) ids.push((await createPlan(gatewayUrl, user, `${runTag}-${prefix}${i}`)).id);
    return ids;
  };
  const read = await createPlan(gatewayUrl, user, `${runTag}-read`);
  const [patchProbe] = await many('patch-probe', 1);
  const patchWarmUp = await many('patch-warm', PATCH_CONNECTIONS);
  const patchMeasured = await many('patch-run', PATCH_CONNECTIONS);
  addEvents(ledger, 'plan.created', 2 + 2 * PATCH_CONNECTIONS);
  await assertPlanCached(gatewayUrl, user, read.id);
  return { read, patchProbe, patchWarmUp, patchMeasured };
}

// The principal lives PRINCIPAL_TTL_SECONDS in Redis and reads do not extend it. Dropping it and letting the
// gateway refill it (MISS, then HIT) before each run restarts that clock, so no run straddles an expiry.
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

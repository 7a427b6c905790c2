import { Client } from 'pg';
import Redis from 'ioredis';
import { ApiClient, expectErrorEnvelope, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { makePlan, Plan } from '../support/plans';
import { TEST_ENV } from '../support/test-env';

describe('plans API (e2e through the gateway)', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let owner: TestUser;
  let other: TestUser;
  let admin: { accessToken: string };
  let readonly: { accessToken: string };

  const create = async (plan: Plan, token = owner.accessToken) => {
    const res = await api.post('/api/v1/plans', plan, { token });
    expect(res.status).toBe(201);
    return res;
  };
  const etagOf = async (id: string) => (await api.get(`/api/v1/plans/${id}`, { token: owner.accessToken })).headers.get('etag')!;
  const objectCount = async (planId: string) => Number((await db.query('SELECT count(*) FROM plan_objects WHERE plan_id = $1', [planId])).rows[0].count);

  beforeAll(async () => {
    platform = await startPlatform(3390, ['core', 'gateway', 'indexer']);
    api = platform.api;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    admin = await loginAdmin(api);
    owner = await signupAndLogin(api);
    other = await signupAndLogin(api);
    const email = uniqueEmail('ro');
    await api.post('/api/v1/users', { name: 'Read Only', email, password: 'readonly-pass', role: 'readonly' }, { token: admin.accessToken });
    readonly = { accessToken: (await api.post('/api/v1/auth/token', { username: email, password: 'readonly-pass' })).body.access_token };
  });
  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  describe('POST /plans', () => {
    it('should store the plan and answer 201 with Location, ETag and the plan; the next GET has the same ETag', async () => {
      const plan = makePlan();
      const res = await create(plan);
      expect(res.headers.get('location')).toBe(`/api/v1/plans/${plan.objectId}`);
      expect(res.headers.get('etag')).toMatch(/^"[A-Za-z0-9_-]+"$/);
      expect(res.body).toEqual(plan);
      const get = await api.get(`/api/v1/plans/${plan.objectId}`, { token: other.accessToken });
      expect(get.status).toBe(200);
      expect(get.body).toEqual(plan);
      expect(get.headers.get('etag')).toBe(res.headers.get('etag'));
      expect(new Date(get.headers.get('last-modified')!).getTime()).not.toBeNaN();
      expect(await objectCount(plan.objectId)).toBe(8);
    });

    it('should list every schema violation with its JSON Pointer', async () => {
      const plan = makePlan() as any;
      delete plan.planType;
      plan.planCostShares.copay = -1;
      plan.linkedPlanServices[1].linkedService.extra = true;
      plan.creationDate = '2017-12-12';
      const res = await api.post('/api/v1/plans', plan, { token: owner.accessToken });
      const error = expectErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      const pointers = error.details.errors.map((e: { pointer: string }) => e.pointer).sort();
      expect(pointers).toEqual(['/creationDate', '/linkedPlanServices/1/linkedService/extra', '/planCostShares/copay', '/planType'].sort());
      expect((await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken })).status).toBe(404);
    });

    it('should answer 409 PLAN_EXISTS for the same root objectId', async () => {
      const plan = makePlan();
      await create(plan);
      expectErrorEnvelope(await api.post('/api/v1/plans', plan, { token: other.accessToken }), 409, 'PLAN_EXISTS');
    });

    it('should answer 415 for a body that is not application/json', async () => {
      const res = await api.request('POST', '/api/v1/plans', {
        token: owner.accessToken,
        rawBody: JSON.stringify(makePlan()),
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expectErrorEnvelope(res, 415, 'UNSUPPORTED_MEDIA_TYPE');
    });

    it('should not let readonly create plans', async () => {
      expectErrorEnvelope(await api.post('/api/v1/plans', makePlan(), { token: readonly.accessToken }), 403, 'FORBIDDEN');
    });
  });

  describe('GET /plans/{id} and conditional GET', () => {
    let plan: Plan;
    let etag: string;
    beforeAll(async () => {
      plan = makePlan();
      etag = (await create(plan)).headers.get('etag')!;
    });

    it('should answer 404 for an unknown plan and 400 for an impossible id', async () => {
      expectErrorEnvelope(await api.get('/api/v1/plans/no-such-plan', { token: owner.accessToken }), 404, 'NOT_FOUND');
      expectErrorEnvelope(await api.get('/api/v1/plans/bad%20id', { token: owner.accessToken }), 400, 'VALIDATION_ERROR');
    });

    it.each([
      ['the same ETag', (e: string) => e],
      ['a weak version of it', (e: string) => `W/${e}`],
      ['a list containing it', (e: string) => `"other", ${e}`],
      ['*', () => '*'],
    ])('should answer 304 with the ETag and no body for If-None-Match with %s', async (_name, header) => {
      const res = await api.get(`/api/v1/plans/${plan.objectId}`, { token: readonly.accessToken, headers: { 'if-none-match': header(etag) } });
      expect(res.status).toBe(304);
      expect(res.text).toBe('');
      expect(res.headers.get('etag')).toBe(etag);
    });

    it('should answer 200 when If-None-Match does not match', async () => {
      const res = await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken, headers: { 'if-none-match': '"stale"' } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(plan);
    });

    it('should say X-Cache HIT from Redis and MISS after the cache is flushed, with the same ETag', async () => {
      expect((await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken })).headers.get('x-cache')).toBe('HIT');
      const redis = new Redis(TEST_ENV.REDIS_URL);
      await redis.del(`plan:${plan.objectId}`);
      redis.disconnect();
      const miss = await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken });
      expect(miss.headers.get('x-cache')).toBe('MISS');
      expect(miss.headers.get('etag')).toBe(etag);
      expect(miss.body).toEqual(plan);
      expect((await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken })).headers.get('x-cache')).toBe('HIT');
    });

    it('should list plans with data, metadata and etag', async () => {
      const res = await api.get('/api/v1/plans?page_size=100', { token: readonly.accessToken });
      expect(res.status).toBe(200);
      const item = res.body.data.find((entry: { data: Plan }) => entry.data.objectId === plan.objectId);
      expect(item).toEqual({
        data: plan,
        etag,
        metadata: { created_by: owner.id, created_at: expect.any(String), updated_by: owner.id, updated_at: expect.any(String) },
      });
      expect(res.body.meta).toMatchObject({ page: 1, page_size: 100 });
    });
  });

  describe('PUT /plans/{id}', () => {
    it('should need If-Match (428), reject a stale one (412), and 404 before 412', async () => {
      const plan = makePlan();
      await create(plan);
      expectErrorEnvelope(await api.put(`/api/v1/plans/${plan.objectId}`, plan, { token: owner.accessToken }), 428, 'PRECONDITION_REQUIRED');
      expectErrorEnvelope(
        await api.put(`/api/v1/plans/${plan.objectId}`, plan, { token: owner.accessToken, headers: { 'if-match': '"stale"' } }),
        412,
        'PRECONDITION_FAILED',
      );
      const ghost = makePlan();
      expectErrorEnvelope(await api.put(`/api/v1/plans/${ghost.objectId}`, ghost, { token: owner.accessToken, headers: { 'if-match': '"stale"' } }), 404, 'NOT_FOUND');
    });

    it('should use strong comparison: a weak If-Match never matches', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      expectErrorEnvelope(
        await api.put(`/api/v1/plans/${plan.objectId}`, plan, { token: owner.accessToken, headers: { 'if-match': `W/${etag}` } }),
        412,
        'PRECONDITION_FAILED',
      );
    });

    it('should replace the plan and return a new ETag that the next GET repeats', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const changed = { ...plan, planType: 'outOfNetwork' };
      const res = await api.put(`/api/v1/plans/${plan.objectId}`, changed, { token: owner.accessToken, headers: { 'if-match': etag } });
      expect(res.status).toBe(200);
      expect(res.body).toEqual(changed);
      expect(res.headers.get('etag')).not.toBe(etag);
      expect(await etagOf(plan.objectId)).toBe(res.headers.get('etag'));
    });

    it('should answer 400 when the body objectId differs from the path or breaks the schema', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const other = makePlan();
      expectErrorEnvelope(await api.put(`/api/v1/plans/${plan.objectId}`, other, { token: owner.accessToken, headers: { 'if-match': etag } }), 400, 'VALIDATION_ERROR');
      expectErrorEnvelope(
        await api.put(`/api/v1/plans/${plan.objectId}`, { ...plan, planType: '' }, { token: owner.accessToken, headers: { 'if-match': etag } }),
        400,
        'VALIDATION_ERROR',
      );
      expect(await etagOf(plan.objectId)).toBe(etag);
    });

    it('should let only the creator or an admin replace a plan', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      expectErrorEnvelope(await api.put(`/api/v1/plans/${plan.objectId}`, plan, { token: other.accessToken, headers: { 'if-match': etag } }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.put(`/api/v1/plans/${plan.objectId}`, plan, { token: readonly.accessToken, headers: { 'if-match': etag } }), 403, 'FORBIDDEN');
      const byAdmin = await api.put(`/api/v1/plans/${plan.objectId}`, { ...plan, planType: 'adminEdit' }, { token: admin.accessToken, headers: { 'if-match': etag } });
      expect(byAdmin.status).toBe(200);
      const list = await api.get('/api/v1/plans?page_size=100&sort_by=updated_at', { token: owner.accessToken });
      const item = list.body.data.find((entry: { data: Plan }) => entry.data.objectId === plan.objectId);
      expect(item.metadata).toMatchObject({ created_by: owner.id, updated_by: expect.not.stringMatching(owner.id) });
    });

    it('should let exactly one of many concurrent writers with the same If-Match win (no lost update)', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const writers = Array.from({ length: 12 }, (_, i) =>
        api.put(`/api/v1/plans/${plan.objectId}`, { ...plan, planType: `writer-${i}` }, { token: owner.accessToken, headers: { 'if-match': etag } }),
      );
      const results = await Promise.all(writers);
      const winners = results.filter((r) => r.status === 200);
      expect(winners).toHaveLength(1);
      expect(results.filter((r) => r.status === 412)).toHaveLength(11);
      const stored = await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken });
      expect(stored.body.planType).toBe(winners[0].body.planType);
      expect(stored.headers.get('etag')).toBe(winners[0].headers.get('etag'));
    });
  });

  describe('PATCH /plans/{id}', () => {
    const mergePatch = (id: string, patch: unknown, etag: string, token = owner.accessToken, type = 'application/merge-patch+json') =>
      api.request('PATCH', `/api/v1/plans/${id}`, { token, rawBody: JSON.stringify(patch), headers: { 'content-type': type, 'if-match': etag } });

    it('should merge by objectId: update a nested element, append a new one, delete one with its subtree', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const [keep, drop] = plan.linkedPlanServices;
      const added = {
        ...keep,
        objectId: `${keep.objectId}-new`,
        linkedService: { ...keep.linkedService, objectId: `${keep.linkedService.objectId}-new`, name: 'Dental' },
        planserviceCostShares: { ...keep.planserviceCostShares, objectId: `${keep.planserviceCostShares.objectId}-new` },
      };
      const res = await mergePatch(
        plan.objectId,
        {
          linkedPlanServices: [
            { objectId: keep.objectId, planserviceCostShares: { objectId: keep.planserviceCostShares.objectId, copay: 0, deductible: 0 } },
            { objectId: drop.objectId, _delete: true },
            added,
          ],
        },
        etag,
      );
      expect(res.status).toBe(200);
      expect(res.body.linkedPlanServices.map((s: { objectId: string }) => s.objectId)).toEqual([keep.objectId, added.objectId]);
      expect(res.body.linkedPlanServices[0].planserviceCostShares).toMatchObject({ copay: 0, deductible: 0, _org: 'example.com' });
      expect(res.headers.get('etag')).not.toBe(etag);
      expect(await etagOf(plan.objectId)).toBe(res.headers.get('etag'));
      // Root + plan cost share + 2 planservices x 3: the deleted one took its subtree, the new one brought three.
      expect(await objectCount(plan.objectId)).toBe(8);
      const gone = await db.query('SELECT count(*) FROM plan_objects WHERE plan_id = $1 AND object_id = ANY($2)', [
        plan.objectId,
        [drop.objectId, drop.linkedService.objectId, drop.planserviceCostShares.objectId],
      ]);
      expect(Number(gone.rows[0].count)).toBe(0);
    });

    it('should treat application/json as a merge patch and keep zero and false values', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const res = await mergePatch(plan.objectId, { planCostShares: { copay: 0 } }, etag, owner.accessToken, 'application/json');
      expect(res.status).toBe(200);
      expect(res.body.planCostShares.copay).toBe(0);
      expect((await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken })).body.planCostShares.copay).toBe(0);
    });

    it('should answer 422 and change nothing when the result breaks the schema or the root identity', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const invalid = await mergePatch(plan.objectId, { planType: null }, etag);
      const error = expectErrorEnvelope(invalid, 422, 'UNPROCESSABLE_PATCH');
      expect(error.details.errors).toEqual([{ pointer: '/planType', message: 'is required' }]);
      expectErrorEnvelope(await mergePatch(plan.objectId, { objectId: 'renamed' }, etag), 422, 'UNPROCESSABLE_PATCH');
      expectErrorEnvelope(await mergePatch(plan.objectId, { objectType: 'service' }, etag), 422, 'UNPROCESSABLE_PATCH');
      expect(await etagOf(plan.objectId)).toBe(etag);
    });

    it('should apply an RFC 6902 JSON Patch atomically', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const ok = await mergePatch(
        plan.objectId,
        [
          { op: 'test', path: '/planType', value: 'inNetwork' },
          { op: 'replace', path: '/planCostShares/copay', value: 99 },
        ],
        etag,
        owner.accessToken,
        'application/json-patch+json',
      );
      expect(ok.status).toBe(200);
      expect(ok.body.planCostShares.copay).toBe(99);
      const next = ok.headers.get('etag')!;
      const failing = await mergePatch(
        plan.objectId,
        [
          { op: 'replace', path: '/planType', value: 'x' },
          { op: 'test', path: '/planCostShares/copay', value: 1 },
        ],
        next,
        owner.accessToken,
        'application/json-patch+json',
      );
      expectErrorEnvelope(failing, 409, 'PATCH_CONFLICT');
      const malformed = await mergePatch(plan.objectId, { op: 'replace' }, next, owner.accessToken, 'application/json-patch+json');
      expectErrorEnvelope(malformed, 400, 'MALFORMED_PATCH');
      const badOp = await mergePatch(plan.objectId, [{ op: 'explode', path: '/planType' }], next, owner.accessToken, 'application/json-patch+json');
      expectErrorEnvelope(badOp, 400, 'MALFORMED_PATCH');
      const invalid = await mergePatch(plan.objectId, [{ op: 'remove', path: '/planCostShares' }], next, owner.accessToken, 'application/json-patch+json');
      expectErrorEnvelope(invalid, 422, 'UNPROCESSABLE_PATCH');
      const stored = await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken });
      expect(stored.headers.get('etag')).toBe(next);
      expect(stored.body.planType).toBe('inNetwork');
    });

    it('should answer 415 with Accept-Patch for another media type, 428 without If-Match, 412 stale, 404 unknown, 403 not owner', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const wrongType = await mergePatch(plan.objectId, {}, etag, owner.accessToken, 'text/plain');
      expectErrorEnvelope(wrongType, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(wrongType.headers.get('accept-patch')).toContain('application/merge-patch+json');
      const noPrecondition = await api.request('PATCH', `/api/v1/plans/${plan.objectId}`, {
        token: owner.accessToken,
        rawBody: '{}',
        headers: { 'content-type': 'application/merge-patch+json' },
      });
      expectErrorEnvelope(noPrecondition, 428, 'PRECONDITION_REQUIRED');
      expectErrorEnvelope(await mergePatch(plan.objectId, {}, '"stale"'), 412, 'PRECONDITION_FAILED');
      expectErrorEnvelope(await mergePatch('no-such-plan', {}, etag), 404, 'NOT_FOUND');
      expectErrorEnvelope(await mergePatch(plan.objectId, {}, etag, other.accessToken), 403, 'FORBIDDEN');
      const malformedJson = await api.request('PATCH', `/api/v1/plans/${plan.objectId}`, {
        token: owner.accessToken,
        rawBody: '{"planType":',
        headers: { 'content-type': 'application/merge-patch+json', 'if-match': etag },
      });
      expectErrorEnvelope(malformedJson, 400, 'MALFORMED_JSON');
    });

    it('should let exactly one of many concurrent patches with the same If-Match win', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      const results = await Promise.all(Array.from({ length: 10 }, (_, i) => mergePatch(plan.objectId, { planType: `patch-${i}` }, etag)));
      expect(results.filter((r) => r.status === 200)).toHaveLength(1);
      expect(results.filter((r) => r.status === 412)).toHaveLength(9);
    });

    it('should never serve a stale plan after a successful write response', async () => {
      const plan = makePlan();
      let etag = (await create(plan)).headers.get('etag')!;
      for (let i = 0; i < 15; i += 1) {
        const res = await mergePatch(plan.objectId, { planCostShares: { copay: i } }, etag);
        expect(res.status).toBe(200);
        etag = res.headers.get('etag')!;
        const read = await api.get(`/api/v1/plans/${plan.objectId}`, { token: other.accessToken });
        expect({ etag: read.headers.get('etag'), copay: read.body.planCostShares.copay }).toEqual({ etag, copay: i });
      }
    });
  });

  describe('DELETE /plans/{id}', () => {
    it('should remove the plan and every nested object from Postgres, the cache and search', async () => {
      const plan = makePlan({ serviceName: `Unique Service ${Date.now()}` });
      await create(plan);
      const serviceName = plan.linkedPlanServices[0].linkedService.name;
      expect((await api.get(`/api/v1/plans/search?serviceName=${encodeURIComponent(serviceName)}`, { token: owner.accessToken })).body.meta.total_count).toBe(1);
      expect((await api.delete(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken })).status).toBe(204);
      expect(await objectCount(plan.objectId)).toBe(0);
      const after = await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken });
      expectErrorEnvelope(after, 404, 'NOT_FOUND');
      const search = await api.get(`/api/v1/plans/search?serviceName=${encodeURIComponent(serviceName)}`, { token: owner.accessToken });
      expect(search.body).toEqual({ data: [], meta: { page: 1, page_size: 20, total_count: 0, total_pages: 0 } });
      expectErrorEnvelope(await api.delete(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken }), 404, 'NOT_FOUND');
    });

    it('should honour an optional If-Match (412 when stale) and ownership (403)', async () => {
      const plan = makePlan();
      const etag = (await create(plan)).headers.get('etag')!;
      expectErrorEnvelope(
        await api.delete(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken, headers: { 'if-match': '"stale"' } }),
        412,
        'PRECONDITION_FAILED',
      );
      expectErrorEnvelope(await api.delete(`/api/v1/plans/${plan.objectId}`, { token: other.accessToken }), 403, 'FORBIDDEN');
      expect((await api.delete(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken, headers: { 'if-match': etag } })).status).toBe(204);
    });

    it('should let a deleted plan be created again and served fresh', async () => {
      const plan = makePlan();
      await create(plan);
      await api.delete(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken });
      const again = await create({ ...plan, planType: 'reborn' });
      const read = await api.get(`/api/v1/plans/${plan.objectId}`, { token: owner.accessToken });
      expect(read.status).toBe(200);
      expect(read.body.planType).toBe('reborn');
      expect(read.headers.get('etag')).toBe(again.headers.get('etag'));
    });
  });

  describe('search', () => {
    const tag = `s${Date.now()}`;
    const plans = {
      cheap: makePlan({ planType: `${tag}Basic`, org: `${tag}.org`, copay: 5, deductible: 100, serviceName: 'Acupuncture' }),
      mid: makePlan({ planType: `${tag}Basic`, org: `other-${tag}.org`, copay: 50, deductible: 1000, serviceName: 'Physiotherapy' }),
      rich: makePlan({ planType: `${tag}Gold`, org: `${tag}.org`, copay: 500, deductible: 5000, serviceName: 'Massage' }),
    };
    const ids = (res: { body: { data: Array<{ data: Plan }> } }) => res.body.data.map((item) => item.data.objectId).sort();
    const find = (query: string) => api.get(`/api/v1/plans/search?${query}&page_size=100`, { token: readonly.accessToken });

    beforeAll(async () => {
      // Plan-level and planservice-level cost shares all count for copay/deductible filters.
      for (const plan of Object.values(plans)) {
        for (const service of plan.linkedPlanServices) {
          service.planserviceCostShares.copay = plan.planCostShares.copay;
          service.planserviceCostShares.deductible = plan.planCostShares.deductible;
        }
        await create(plan);
      }
    });

    it('should filter by planType, org and serviceName', async () => {
      expect(ids(await find(`planType=${tag}Basic`))).toEqual([plans.cheap.objectId, plans.mid.objectId].sort());
      expect(ids(await find(`org=${tag}.org`))).toEqual([plans.cheap.objectId, plans.rich.objectId].sort());
      expect(ids(await find(`serviceName=physiotherapy&planType=${tag}Basic`))).toEqual([plans.mid.objectId]);
    });

    it('should find plans having any cost share in the copay or deductible range', async () => {
      expect(ids(await find(`minCopay=10&maxCopay=100&planType=${tag}Basic`))).toEqual([plans.mid.objectId]);
      expect(ids(await find(`minDeductible=1000&org=${tag}.org`))).toEqual([plans.rich.objectId]);
      expect(ids(await find(`maxDeductible=1000&minCopay=0&planType=${tag}Basic`))).toEqual([plans.cheap.objectId, plans.mid.objectId].sort());
    });

    it('should search full text over service names, planType and _org', async () => {
      expect(ids(await find(`q=${tag}Gold`))).toEqual([plans.rich.objectId]);
      expect(ids(await find(`q=massage ${tag}Gold`))).toEqual([plans.rich.objectId]);
      expect(ids(await find(`q=${encodeURIComponent(`other-${tag}.org`)}`))).toEqual([plans.mid.objectId]);
    });

    it('should page and order newest first with the list item shape', async () => {
      const first = await api.get(`/api/v1/plans/search?org=${tag}.org&page_size=1`, { token: owner.accessToken });
      expect(first.body.meta).toEqual({ page: 1, page_size: 1, total_count: 2, total_pages: 2 });
      expect(first.body.data[0]).toEqual({ data: plans.rich, metadata: expect.objectContaining({ created_by: owner.id }), etag: expect.any(String) });
      const second = await api.get(`/api/v1/plans/search?org=${tag}.org&page_size=1&page=2`, { token: owner.accessToken });
      expect(second.body.data[0].data.objectId).toBe(plans.cheap.objectId);
      const past = await api.get(`/api/v1/plans/search?org=${tag}.org&page=5`, { token: owner.accessToken });
      expect(past.body).toEqual({ data: [], meta: { page: 5, page_size: 20, total_count: 2, total_pages: 1 } });
    });

    it.each(['minCopay=-1', 'maxDeductible=abc', 'minCopay=10&maxCopay=5', 'page_size=101', 'colour=blue'])('should answer 400 for %s', async (query) => {
      expectErrorEnvelope(await api.get(`/api/v1/plans/search?${query}`, { token: owner.accessToken }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('indexing and reindex', () => {
    it('should have the indexer consume plan events and publish the index lag', async () => {
      await create(makePlan());
      await eventually(async () => {
        const metrics = await (await fetch(`${platform.apps.indexer!.url}/metrics`)).text();
        expect(metrics).toMatch(/index_lag_seconds_count\{event_type="plan.created"\} [1-9]/);
      });
    });

    it('should accept a reindex from an admin only', async () => {
      const res = await api.post('/api/v1/admin/reindex', { target: 'plans' }, { token: admin.accessToken });
      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.any(String), target: 'plans', status: 'accepted', started_at: expect.any(String) });
      expectErrorEnvelope(await api.post('/api/v1/admin/reindex', { target: 'plans' }, { token: owner.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.post('/api/v1/admin/reindex', { target: 'everything' }, { token: admin.accessToken }), 400, 'VALIDATION_ERROR');
      await eventually(() => expect(platform.apps.core!.logs().some((entry) => String(entry.message).includes(`reindex ${res.body.id}`))).toBe(true));
    });
  });
});

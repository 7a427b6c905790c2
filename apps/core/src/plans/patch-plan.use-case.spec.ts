import { Actor, PatchKind, PlanDocument, PlanRecord, Precondition } from '@app/contracts';
import { PlanEntity, PlansRepository } from '@app/persistence';
import example from '../../../../test/fixtures/plan-example.json';
import { canonicalJson, strongEtag } from './canonical-json.util';
import { PatchPlanUseCase } from './patch-plan.use-case';
import { PlanSchemaValidator } from './plan-schema.validator';
import { PlanWriteSupport, PreparedPlan } from './plan-write.support';
import { PlanReplacer } from './replace-plan.use-case';

const PLAN_ID = example.objectId;
const CREATOR: Actor = { id: '11111111-1111-4111-8111-111111111111', role: 'user' };
const OTHER_USER: Actor = { id: '22222222-2222-4222-8222-222222222222', role: 'user' };
const ADMIN: Actor = { id: '33333333-3333-4333-8333-333333333333', role: 'admin' };
const CURRENT_ETAG = strongEtag(canonicalJson(example));
const IF_MATCH_CURRENT: Precondition = { any: false, tags: [CURRENT_ETAG] };

function storedPlan(): PlanEntity {
  return Object.assign(new PlanEntity(), {
    objectId: PLAN_ID,
    document: structuredClone(example),
    etag: CURRENT_ETAG,
    version: '7',
    planType: example.planType,
    org: example._org,
    createdBy: CREATOR.id,
    createdAt: new Date('2024-01-01T00:00:00Z'),
    updatedBy: CREATOR.id,
    updatedAt: new Date('2024-01-02T00:00:00Z'),
  });
}

function setup(stored: PlanEntity | null = storedPlan()) {
  const plans = { findById: jest.fn().mockResolvedValue(stored) };
  const supportPlans = { findById: jest.fn().mockResolvedValue(stored) };
  const replacer = { replace: jest.fn((_actor: Actor, _id: string, prepared: PreparedPlan) => Promise.resolve({ document: prepared.document } as PlanRecord)) };
  const support = new PlanWriteSupport(new PlanSchemaValidator(), supportPlans as unknown as PlansRepository);
  const sut = new PatchPlanUseCase(plans as unknown as PlansRepository, support, replacer as unknown as PlanReplacer);
  const patch = (kind: PatchKind, body: unknown, actor: Actor = CREATOR, precondition: Precondition = IF_MATCH_CURRENT) =>
    sut.execute(actor, PLAN_ID, kind, body, precondition);
  const replaced = (): { actor: Actor; id: string; prepared: PreparedPlan; precondition: Precondition } => {
    expect(replacer.replace).toHaveBeenCalledTimes(1);
    const [actor, id, prepared, precondition] = replacer.replace.mock.calls[0] as unknown as [Actor, string, PreparedPlan, Precondition];
    return { actor, id, prepared, precondition };
  };
  return { sut, plans, replacer, stored, patch, replaced };
}

describe('PatchPlanUseCase', () => {
  describe('who may patch which version', () => {
    it('should fail with NOT_FOUND and write nothing when the plan does not exist', async () => {
      const { patch, replacer } = setup(null);

      await expect(patch('merge', { planType: 'x' })).rejects.toMatchObject({ code: 'NOT_FOUND' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with FORBIDDEN and write nothing when a user who did not create the plan patches it', async () => {
      const { patch, replacer } = setup();

      await expect(patch('merge', { planType: 'outOfNetwork' }, OTHER_USER)).rejects.toMatchObject({ code: 'FORBIDDEN' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with NOT_FOUND rather than FORBIDDEN when another user patches a missing plan', async () => {
      const { patch } = setup(null);

      await expect(patch('merge', { planType: 'outOfNetwork' }, OTHER_USER)).rejects.toMatchObject({ code: 'NOT_FOUND' });
    });

    it("should write the patched plan when an admin patches another user's plan", async () => {
      const { patch, replaced } = setup();

      await patch('merge', { planType: 'outOfNetwork' }, ADMIN);

      expect(replaced().actor).toBe(ADMIN);
      expect(replaced().prepared.document.planType).toBe('outOfNetwork');
    });

    it('should fail with PRECONDITION_FAILED and write nothing when If-Match does not list the current ETag', async () => {
      const { patch, replacer } = setup();

      await expect(patch('merge', { planType: 'outOfNetwork' }, CREATOR, { any: false, tags: ['"stale"', '"older"'] })).rejects.toMatchObject({
        code: 'PRECONDITION_FAILED',
      });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with FORBIDDEN rather than PRECONDITION_FAILED when a non-creator sends a stale ETag', async () => {
      const { patch } = setup();

      await expect(patch('merge', { planType: 'x' }, OTHER_USER, { any: false, tags: ['"stale"'] })).rejects.toMatchObject({ code: 'FORBIDDEN' });
    });

    it('should write the patch when the current ETag is one of several listed', async () => {
      const { patch, replacer } = setup();

      await patch('merge', { planType: 'outOfNetwork' }, CREATOR, { any: false, tags: ['"stale"', CURRENT_ETAG] });

      expect(replacer.replace).toHaveBeenCalledTimes(1);
    });

    it('should write conditionally on the version it read when If-Match is *', async () => {
      const { patch, replaced } = setup();

      await patch('merge', { planType: 'outOfNetwork' }, CREATOR, { any: true, tags: [] });

      expect(replaced().precondition).toEqual({ any: false, tags: [CURRENT_ETAG] });
    });
  });

  describe('JSON Patch', () => {
    it.each([
      ['the body is an object', { op: 'replace', path: '/planType', value: 'x' }],
      ['the body is a string', 'replace /planType'],
      ['an op is unknown', [{ op: 'merge', path: '/planType', value: 'x' }]],
      ['an operation is not an object', [42]],
      ['an add has no value', [{ op: 'add', path: '/planType' }]],
      ['a path is not a JSON Pointer', [{ op: 'replace', path: 'planType', value: 'x' }]],
    ])('should fail with MALFORMED_PATCH and write nothing when %s', async (_case, body) => {
      const { patch, replacer } = setup();

      await expect(patch('json-patch', body)).rejects.toMatchObject({ code: 'MALFORMED_PATCH' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with PATCH_CONFLICT and leave the plan untouched when a test op fails after an op that applied', async () => {
      const { patch, replacer, stored } = setup();

      await expect(
        patch('json-patch', [
          { op: 'replace', path: '/planType', value: 'outOfNetwork' },
          { op: 'test', path: '/planCostShares/copay', value: 999 },
        ]),
      ).rejects.toMatchObject({ code: 'PATCH_CONFLICT', details: { operation: 1 } });
      expect(replacer.replace).not.toHaveBeenCalled();
      expect(stored?.document).toEqual(example);
    });

    it.each([
      ['replace targets a missing member', { op: 'replace', path: '/planCostShares/coinsurance', value: 1 }],
      ['remove targets a missing array element', { op: 'remove', path: '/linkedPlanServices/5' }],
      ['move comes from a missing member', { op: 'move', from: '/nothing', path: '/planType' }],
    ])('should fail with PATCH_CONFLICT when %s', async (_case, operation) => {
      const { patch, replacer } = setup();

      await expect(patch('json-patch', [operation])).rejects.toMatchObject({ code: 'PATCH_CONFLICT' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with UNPROCESSABLE_PATCH listing every violation pointer when the result breaks the schema', async () => {
      const { patch, replacer } = setup();

      const error = await patch('json-patch', [
        { op: 'replace', path: '/planCostShares/copay', value: -1 },
        { op: 'add', path: '/linkedPlanServices/0/discount', value: 5 },
        { op: 'remove', path: '/linkedPlanServices/1/linkedService/name' },
      ]).catch((caught: unknown) => caught);

      expect(error).toMatchObject({ code: 'UNPROCESSABLE_PATCH' });
      const errors = (error as { details: { errors: Array<{ pointer: string }> } }).details.errors;
      expect(errors.map((violation) => violation.pointer).sort()).toEqual([
        '/linkedPlanServices/0/discount',
        '/linkedPlanServices/1/linkedService/name',
        '/planCostShares/copay',
      ]);
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with UNPROCESSABLE_PATCH when the ops remove the root objectId', async () => {
      const { patch, replacer } = setup();

      await expect(patch('json-patch', [{ op: 'remove', path: '/objectId' }])).rejects.toMatchObject({ code: 'UNPROCESSABLE_PATCH' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should write the changed plan and leave the stored document untouched when the ops apply', async () => {
      const { patch, replaced, stored } = setup();

      await patch('json-patch', [
        { op: 'test', path: '/planCostShares/copay', value: 23 },
        { op: 'replace', path: '/planCostShares/copay', value: 30 },
        { op: 'remove', path: '/linkedPlanServices/1' },
      ]);

      const expected = structuredClone(example);
      expected.planCostShares.copay = 30;
      expected.linkedPlanServices.splice(1, 1);
      const { id, prepared, precondition } = replaced();
      expect(id).toBe(PLAN_ID);
      expect(prepared.document).toEqual(expected);
      expect(prepared.write.etag).toBe(strongEtag(canonicalJson(expected)));
      expect(prepared.decomposed.objects).toHaveLength(5);
      expect(precondition).toEqual({ any: false, tags: [CURRENT_ETAG] });
      expect(stored?.document).toEqual(example);
    });
  });

  describe('merge patch', () => {
    it.each([
      ['root objectId', { objectId: 'another-plan' }],
      ['root objectType', { objectType: 'service' }],
    ])('should fail with UNPROCESSABLE_PATCH and write nothing when the patch changes the %s', async (_case, body) => {
      const { patch, replacer } = setup();

      await expect(patch('merge', body)).rejects.toMatchObject({ code: 'UNPROCESSABLE_PATCH' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it.each([
      ['an array', [{ planType: 'x' }]],
      ['null', null],
      ['a string', 'plan'],
    ])('should fail with UNPROCESSABLE_PATCH when the patch is %s, which would replace the whole plan', async (_case, body) => {
      const { patch, replacer } = setup();

      await expect(patch('merge', body)).rejects.toMatchObject({ code: 'UNPROCESSABLE_PATCH' });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with UNPROCESSABLE_PATCH pointing at the bad field when the merged plan breaks the schema', async () => {
      const { patch, replacer } = setup();

      await expect(patch('merge', { planCostShares: { copay: -1 }, planType: null })).rejects.toMatchObject({
        code: 'UNPROCESSABLE_PATCH',
        details: { errors: expect.arrayContaining([expect.objectContaining({ pointer: '/planCostShares/copay' }), expect.objectContaining({ pointer: '/planType' })]) },
      });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should write the merged plan on the version it was applied to and leave the stored document untouched when the patch is valid', async () => {
      const { patch, replaced, stored } = setup();
      const [first, second] = example.linkedPlanServices;

      await patch('merge', {
        planType: 'outOfNetwork',
        linkedPlanServices: [
          { objectId: first.objectId, _delete: true },
          { objectId: second.objectId, planserviceCostShares: { copay: 0 } },
        ],
      });

      const { prepared, precondition } = replaced();
      const document = prepared.document as PlanDocument & typeof example;
      expect(document.planType).toBe('outOfNetwork');
      expect(document.linkedPlanServices).toEqual([{ ...second, planserviceCostShares: { ...second.planserviceCostShares, copay: 0 } }]);
      expect(prepared.decomposed.objects.map((object) => object.objectId)).not.toContain(first.linkedService.objectId);
      expect(prepared.write.etag).toBe(strongEtag(canonicalJson(document)));
      expect(prepared.write.etag).not.toBe(CURRENT_ETAG);
      expect(precondition).toEqual({ any: false, tags: [CURRENT_ETAG] });
      expect(stored?.document).toEqual(example);
    });
  });
});

describe('PatchPlanUseCase regressions', () => {
  it.each([
    ['an add under a missing parent', [{ op: 'add', path: '/missing/child', value: 1 }]],
    ['an add past the end of an array', [{ op: 'add', path: '/linkedPlanServices/5', value: {} }]],
  ])('should answer PATCH_CONFLICT, not MALFORMED_PATCH, for %s', async (_name, body) => {
    const { patch, replacer } = setup();

    await expect(patch('json-patch', body)).rejects.toMatchObject({ code: 'PATCH_CONFLICT' });
    expect(replacer.replace).not.toHaveBeenCalled();
  });

  describe('hostile patches (defence in depth behind the gateway)', () => {
    it.each(['/__proto__/polluted', '/constructor/prototype/polluted', '/planCostShares/__proto__/x'])(
      'should fail with VALIDATION_ERROR, write nothing and pollute nothing when a JSON Patch path is %s',
      async (path) => {
        const { patch, replacer } = setup();

        await expect(patch('json-patch', [{ op: 'add', path, value: true }])).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
        expect(replacer.replace).not.toHaveBeenCalled();
        expect(({} as Record<string, unknown>).polluted).toBeUndefined();
      },
    );

    it('should fail with VALIDATION_ERROR and pollute nothing when a merge patch carries a __proto__ key', async () => {
      const { patch, replacer } = setup();

      await expect(patch('merge', JSON.parse('{"planCostShares":{"__proto__":{"polluted":true}}}'))).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
      expect(replacer.replace).not.toHaveBeenCalled();
      expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    });

    it('should fail with VALIDATION_ERROR before recursing when a merge patch nests 10,000 levels deep', async () => {
      const { patch, replacer } = setup();
      const deep = JSON.parse(`{"planType":${'{"a":'.repeat(10_000)}1${'}'.repeat(10_000)}}`);

      await expect(patch('merge', deep)).rejects.toMatchObject({
        code: 'VALIDATION_ERROR',
        details: { errors: [expect.objectContaining({ message: 'nests deeper than 64 levels' })] },
      });
      expect(replacer.replace).not.toHaveBeenCalled();
    });

    it('should fail with UNPROCESSABLE_PATCH, not crash, when a merge patch nests right up to the limit', async () => {
      const { patch } = setup();
      let deep: unknown = 1;
      for (let i = 0; i < 62; i++) deep = { a: deep };

      await expect(patch('merge', { planType: deep })).rejects.toMatchObject({ code: 'UNPROCESSABLE_PATCH' });
    });

    it('should fail with VALIDATION_ERROR when a patched value holds a NUL or a lone surrogate', async () => {
      const { patch } = setup();

      await expect(patch('merge', { planType: 'a\u0000b' })).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
      await expect(patch('json-patch', [{ op: 'replace', path: '/planType', value: '\ud800' }])).rejects.toMatchObject({ code: 'VALIDATION_ERROR' });
    });
  });
});

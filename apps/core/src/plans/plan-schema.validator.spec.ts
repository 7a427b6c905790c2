import example from '../../../../test/fixtures/plan-example.json';
import { PlanSchemaValidator } from './plan-schema.validator';

type Plan = typeof example;
const plan = (): Plan => structuredClone(example);
const pointers = (violations: Array<{ pointer: string }>) => violations.map((violation) => violation.pointer).sort();

describe('PlanSchemaValidator', () => {
  const sut = new PlanSchemaValidator();

  it('should report no violations when the document is the contract example', () => {
    expect(sut.violations(plan())).toEqual([]);
  });

  it('should point at the missing property when a required property is absent', () => {
    const document: Partial<Plan> = plan();
    delete document.planType;

    expect(sut.violations(document)).toEqual([{ pointer: '/planType', message: expect.any(String) }]);
  });

  it('should point at the missing property of a nested object when it is absent there', () => {
    const document = plan();
    const planService: Partial<Plan['linkedPlanServices'][number]> = document.linkedPlanServices[1];
    delete planService.linkedService;

    expect(pointers(sut.violations(document))).toEqual(['/linkedPlanServices/1/linkedService']);
  });

  it('should point at the extra property when a property is not in the schema', () => {
    const document = { ...plan(), planCostShares: { ...plan().planCostShares, discount: 5 } };

    expect(sut.violations(document)).toEqual([{ pointer: '/planCostShares/discount', message: expect.any(String) }]);
  });

  it('should point at objectType when a nested object has the wrong objectType', () => {
    const document = plan();
    document.linkedPlanServices[0].linkedService.objectType = 'planservice';

    expect(sut.violations(document)).toEqual([{ pointer: '/linkedPlanServices/0/linkedService/objectType', message: expect.stringContaining('service') }]);
  });

  it('should point at copay when it is negative', () => {
    const document = plan();
    document.planCostShares.copay = -1;

    expect(pointers(sut.violations(document))).toEqual(['/planCostShares/copay']);
  });

  it('should point at deductible when it is not an integer', () => {
    const document = plan();
    document.linkedPlanServices[1].planserviceCostShares.deductible = 10.5;

    expect(pointers(sut.violations(document))).toEqual(['/linkedPlanServices/1/planserviceCostShares/deductible']);
  });

  it.each(['2017-12-12', '13-12-2017', '12-32-2017', '12-12-17'])('should point at creationDate when it is %s', (creationDate) => {
    const document = plan();
    document.creationDate = creationDate;

    expect(pointers(sut.violations(document))).toEqual(['/creationDate']);
  });

  it('should report every violation at once when the document has several', () => {
    const document: Record<string, unknown> & Partial<Plan> = plan();
    delete document._org;
    document.extra = true;
    document.objectType = 'membercostshare';
    document.creationDate = 'yesterday';
    document.planCostShares!.copay = -5;
    document.linkedPlanServices![0].planserviceCostShares.deductible = 1.5;

    expect(pointers(sut.violations(document))).toEqual([
      '/_org',
      '/creationDate',
      '/extra',
      '/linkedPlanServices/0/planserviceCostShares/deductible',
      '/objectType',
      '/planCostShares/copay',
    ]);
  });

  it('should point at the second occurrence when two objects in one plan share an objectId', () => {
    const document = plan();
    document.linkedPlanServices[1].linkedService.objectId = document.linkedPlanServices[0].linkedService.objectId;

    expect(sut.violations(document)).toEqual([
      { pointer: '/linkedPlanServices/1/linkedService/objectId', message: expect.stringContaining('/linkedPlanServices/0/linkedService/objectId') },
    ]);
  });

  it('should report each duplicate when one objectId is used three times', () => {
    const document = plan();
    document.linkedPlanServices[0].planserviceCostShares.objectId = document.planCostShares.objectId;
    document.linkedPlanServices[1].planserviceCostShares.objectId = document.planCostShares.objectId;

    expect(pointers(sut.violations(document))).toEqual(['/linkedPlanServices/0/planserviceCostShares/objectId', '/linkedPlanServices/1/planserviceCostShares/objectId']);
  });
});

describe('PlanSchemaValidator regressions', () => {
  const sut = new PlanSchemaValidator();

  it('should escape ~ and / in the pointer of an unknown property (RFC 6901)', () => {
    expect(sut.violations({ ...structuredClone(example), 'a/b~c': 1 })).toEqual([{ pointer: '/a~1b~0c', message: 'is not allowed' }]);
  });

  it('should report duplicate objectIds together with schema violations', () => {
    const plan = structuredClone(example);
    plan.planType = '';
    plan.linkedPlanServices[1].objectId = plan.linkedPlanServices[0].objectId;
    expect(
      sut
        .violations(plan)
        .map((v) => v.pointer)
        .sort(),
    ).toEqual(['/linkedPlanServices/1/objectId', '/planType']);
  });

  it('should point at copay when it is beyond the integer range the store holds', () => {
    const plan = structuredClone(example);
    plan.planCostShares.copay = 2_147_483_648;
    plan.linkedPlanServices[0].planserviceCostShares.deductible = 2_147_483_647;

    expect(sut.violations(plan)).toEqual([{ pointer: '/planCostShares/copay', message: 'must be <= 2147483647' }]);
  });
});

import Ajv from 'ajv';
import Ajv2020 from 'ajv/dist/2020';
import { PLAN_SCHEMA } from '@app/contracts';
import example from '../../../../../test/fixtures/plan-example.json';
import { jsonSchemaToOpenApiComponents } from './json-schema.util';

type Plan = typeof example;

// The contract example, and documents the contract's schema rejects, each for another reason.
const rejected: Array<[string, (plan: Plan) => unknown]> = [
  ['a plan whose objectType is not "plan"', (plan) => ({ ...plan, objectType: 'service' })],
  ['a plan with a property the schema does not have', (plan) => ({ ...plan, extra: true })],
  ['a plan without planType', ({ planType: _omitted, ...plan }) => plan],
  ['a creationDate that is not MM-DD-YYYY', (plan) => ({ ...plan, creationDate: '2017-12-20' })],
  [
    'a negative copay deep inside',
    (plan) => ({
      ...plan,
      linkedPlanServices: [{ ...plan.linkedPlanServices[0], planserviceCostShares: { ...plan.linkedPlanServices[0].planserviceCostShares, copay: -1 } }],
    }),
  ],
  [
    'a service whose objectType is wrong',
    (plan) => ({ ...plan, linkedPlanServices: [{ ...plan.linkedPlanServices[0], linkedService: { ...plan.linkedPlanServices[0].linkedService, objectType: 'plan' } }] }),
  ],
  ['an objectId with a slash', (plan) => ({ ...plan, objectId: 'a/b' })],
];

describe('jsonSchemaToOpenApiComponents', () => {
  const sut = jsonSchemaToOpenApiComponents;

  it('should name the root and each $def as components and point the refs at them when given the plan schema', () => {
    const components = sut(PLAN_SCHEMA, 'Plan');

    expect(Object.keys(components)).toEqual(['Plan', 'PlanOrg', 'PlanObjectId', 'PlanCostShare', 'PlanService', 'PlanPlanService']);
    expect(components.Plan.properties?.planCostShares).toEqual({ $ref: '#/components/schemas/PlanCostShare' });
    expect(components.Plan.properties?.objectType).toEqual({ type: 'string', enum: ['plan'] });
    expect(JSON.stringify(components)).not.toMatch(/\$defs|\$schema|\$id|"const"/);
  });

  describe('validating plans', () => {
    const original = new Ajv2020().compile(PLAN_SCHEMA);
    const converted = new Ajv({ strict: false }).addSchema({ components: { schemas: sut(PLAN_SCHEMA, 'Plan') } }, 'doc').getSchema('doc#/components/schemas/Plan')!;

    it('should accept the contract example as the contract schema does when the components validate it', () => {
      expect([original(example), converted(example)]).toEqual([true, true]);
    });

    it.each(rejected)('should reject %s as the contract schema does when the components validate it', (_, make) => {
      const document = make(structuredClone(example));

      expect([original(document), converted(document)]).toEqual([false, false]);
    });
  });

  it.each([
    ['a 2020-12 exclusiveMinimum (a number, a boolean in OpenAPI 3.0)', { type: 'object', properties: { n: { type: 'number', exclusiveMinimum: 0 } } }],
    ['a type list', { type: ['string', 'null'] }],
    ['a ref outside $defs', { type: 'object', properties: { a: { $ref: 'other.json#/x' } } }],
    ['prefixItems', { type: 'array', prefixItems: [{ type: 'string' }] }],
  ])('should throw naming the keyword when the schema has %s', (_, schema) => {
    expect(() => sut(schema, 'Thing')).toThrow(/has no OpenAPI 3.0 equivalent/);
  });
});

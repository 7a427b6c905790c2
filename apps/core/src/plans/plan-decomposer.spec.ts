import { PlanDocument } from '@app/contracts';
import example from '../../../../test/fixtures/plan-example.json';
import { decomposePlan } from './plan-decomposer';

const plan = (): PlanDocument => structuredClone(example);

describe('decomposePlan', () => {
  const sut = decomposePlan;

  it('should give the root, its cost share and each plan service with its service and cost share when it decomposes the example', () => {
    const { objects } = sut(plan());

    expect(objects.map(({ objectId, objectType, parentId, relation }) => ({ objectId, objectType, parentId, relation }))).toEqual(
      expect.arrayContaining([
        { objectId: '12xvxc345ssdsds-508', objectType: 'plan', parentId: null, relation: null },
        { objectId: '1234vxc2324sdf-501', objectType: 'membercostshare', parentId: '12xvxc345ssdsds-508', relation: 'planCostShares' },
        { objectId: '27283xvx9asdff-504', objectType: 'planservice', parentId: '12xvxc345ssdsds-508', relation: 'linkedPlanServices' },
        { objectId: '1234520xvc30asdf-502', objectType: 'service', parentId: '27283xvx9asdff-504', relation: 'linkedService' },
        { objectId: '1234512xvc1314asdfs-503', objectType: 'membercostshare', parentId: '27283xvx9asdff-504', relation: 'planserviceCostShares' },
        { objectId: '27283xvx9sdf-507', objectType: 'planservice', parentId: '12xvxc345ssdsds-508', relation: 'linkedPlanServices' },
        { objectId: '1234520xvc30sfs-505', objectType: 'service', parentId: '27283xvx9sdf-507', relation: 'linkedService' },
        { objectId: '1234512xvc1314sdfsd-506', objectType: 'membercostshare', parentId: '27283xvx9sdf-507', relation: 'planserviceCostShares' },
      ]),
    );
    expect(objects).toHaveLength(8);
  });

  it('should keep only the scalar fields in properties when an object has nested objects', () => {
    const { objects } = sut(plan());
    const byId = new Map(objects.map((object) => [object.objectId, object]));

    expect(byId.get('12xvxc345ssdsds-508')?.properties).toEqual({
      _org: 'example.com',
      objectId: '12xvxc345ssdsds-508',
      objectType: 'plan',
      planType: 'inNetwork',
      creationDate: '12-12-2017',
    });
    expect(byId.get('27283xvx9asdff-504')?.properties).toEqual({ _org: 'example.com', objectId: '27283xvx9asdff-504', objectType: 'planservice' });
    for (const object of objects) {
      for (const value of Object.values(object.properties)) expect(value === null || typeof value !== 'object').toBe(true);
    }
  });

  it('should promote name, copay and deductible and keep a copay of 0 as 0 when the objects carry them', () => {
    const { objects } = sut(plan());
    const promoted = (id: string) => {
      const object = objects.find((candidate) => candidate.objectId === id);
      return { name: object?.name, copay: object?.copay, deductible: object?.deductible };
    };

    expect(promoted('1234512xvc1314asdfs-503')).toEqual({ name: null, copay: 0, deductible: 10 });
    expect(promoted('1234vxc2324sdf-501')).toEqual({ name: null, copay: 23, deductible: 2000 });
    expect(promoted('1234520xvc30asdf-502')).toEqual({ name: 'Yearly physical', copay: null, deductible: null });
    expect(promoted('12xvxc345ssdsds-508')).toEqual({ name: null, copay: null, deductible: null });
  });

  it('should put planType, every _org and every service name in the search text when the plan uses distinct orgs', () => {
    const document = plan() as PlanDocument & typeof example;
    document._org = 'root.org';
    document.planCostShares._org = 'plan-cost.org';
    document.linkedPlanServices[0]._org = 'ps-one.org';
    document.linkedPlanServices[0].linkedService._org = 'service-one.org';
    document.linkedPlanServices[0].planserviceCostShares._org = 'ps-cost-one.org';
    document.linkedPlanServices[1].linkedService._org = 'service-two.org';

    const { searchText, planType, org } = sut(document);

    for (const word of [
      'inNetwork',
      'root.org',
      'plan-cost.org',
      'ps-one.org',
      'service-one.org',
      'ps-cost-one.org',
      'service-two.org',
      'Yearly physical',
      'well baby',
    ]) {
      expect(searchText).toContain(word);
    }
    expect({ planType, org }).toEqual({ planType: 'inNetwork', org: 'root.org' });
  });
});

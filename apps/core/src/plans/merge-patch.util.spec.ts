import { mergePatch } from './merge-patch.util';

describe('mergePatch', () => {
  const sut = mergePatch;

  describe('RFC 7396 appendix A', () => {
    it.each([
      ['a member is replaced', { a: 'b' }, { a: 'c' }, { a: 'c' }],
      ['a member is added', { a: 'b' }, { b: 'c' }, { a: 'b', b: 'c' }],
      ['the only member is removed by null', { a: 'b' }, { a: null }, {}],
      ['one of two members is removed by null', { a: 'b', b: 'c' }, { a: null }, { b: 'c' }],
      ['an array member is replaced by a string', { a: ['b'] }, { a: 'c' }, { a: 'c' }],
      ['a string member is replaced by an array', { a: 'c' }, { a: ['b'] }, { a: ['b'] }],
      ['a nested object is merged and its null member dropped', { a: { b: 'c' } }, { a: { b: 'd', c: null } }, { a: { b: 'd' } }],
      ['an array of plain objects is replaced', { a: [{ b: 'c' }] }, { a: [1] }, { a: [1] }],
      ['an array document is replaced by an array patch', ['a', 'b'], ['c', 'd'], ['c', 'd']],
      ['an object document is replaced by an array patch', { a: 'b' }, ['c'], ['c']],
      ['an object document is replaced by a null patch', { a: 'foo' }, null, null],
      ['an object document is replaced by a string patch', { a: 'foo' }, 'bar', 'bar'],
      ['an existing null member is kept', { e: null }, { a: 1 }, { e: null, a: 1 }],
      ['an array document is replaced by an object patch without its null members', [1, 2], { a: 'b', c: null }, { a: 'b' }],
      ['missing parents are created and a nested null leaves an empty object', {}, { a: { bb: { ccc: null } } }, { a: { bb: {} } }],
    ])('should give the RFC result when %s', (_case, target, patch, expected) => {
      expect(sut(target, patch)).toEqual(expected);
    });
  });

  describe('values that are not null', () => {
    it.each([
      ['zero', 0],
      ['false', false],
      ['an empty string', ''],
    ])('should set the member when the patch value is %s', (_case, value) => {
      expect(sut({ a: 'before', b: 'kept' }, { a: value })).toEqual({ a: value, b: 'kept' });
    });

    it('should replace the array with an empty one when the patch gives []', () => {
      const target = { linkedPlanServices: [{ objectId: 'x', name: 'one' }] };

      expect(sut(target, { linkedPlanServices: [] })).toEqual({ linkedPlanServices: [] });
    });
  });

  describe('arrays of objects with an objectId', () => {
    const target = () => ({
      objectId: 'plan',
      services: [
        { objectId: 'a', name: 'A', cost: { objectId: 'a-cost', copay: 10, deductible: 100 } },
        { objectId: 'b', name: 'B', cost: { objectId: 'b-cost', copay: 20, deductible: 200 } },
        { objectId: 'c', name: 'C', cost: { objectId: 'c-cost', copay: 30, deductible: 300 } },
      ],
    });

    it('should merge the matching element recursively and keep its other fields when the objectId matches', () => {
      const result = sut(target(), { services: [{ objectId: 'b', cost: { copay: 25 } }] });

      expect(result).toEqual({
        objectId: 'plan',
        services: [
          { objectId: 'a', name: 'A', cost: { objectId: 'a-cost', copay: 10, deductible: 100 } },
          { objectId: 'b', name: 'B', cost: { objectId: 'b-cost', copay: 25, deductible: 200 } },
          { objectId: 'c', name: 'C', cost: { objectId: 'c-cost', copay: 30, deductible: 300 } },
        ],
      });
    });

    it('should remove a field of the matching element when the patch element sets it to null', () => {
      const result = sut(target(), { services: [{ objectId: 'a', name: null }] }) as { services: Array<Record<string, unknown>> };

      expect(result.services[0]).toEqual({ objectId: 'a', cost: { objectId: 'a-cost', copay: 10, deductible: 100 } });
    });

    it('should append the element after the existing ones when its objectId is new', () => {
      const result = sut(target(), { services: [{ objectId: 'd', name: 'D' }] }) as { services: Array<{ objectId: string }> };

      expect(result.services.map((service) => service.objectId)).toEqual(['a', 'b', 'c', 'd']);
      expect(result.services[3]).toEqual({ objectId: 'd', name: 'D' });
    });

    it('should remove the element with its whole subtree and keep the order of the rest when _delete is true', () => {
      const result = sut(target(), { services: [{ objectId: 'b', _delete: true }] });

      expect(result).toEqual({
        objectId: 'plan',
        services: [
          { objectId: 'a', name: 'A', cost: { objectId: 'a-cost', copay: 10, deductible: 100 } },
          { objectId: 'c', name: 'C', cost: { objectId: 'c-cost', copay: 30, deductible: 300 } },
        ],
      });
    });

    it('should leave the array unchanged when _delete names an objectId that is not there', () => {
      expect(sut(target(), { services: [{ objectId: 'zzz', _delete: true }] })).toEqual(target());
    });

    it('should apply merge, delete and append together when one patch mixes them', () => {
      const result = sut(target(), {
        services: [
          { objectId: 'a', _delete: true },
          { objectId: 'c', name: 'C2' },
          { objectId: 'e', name: 'E' },
        ],
      }) as { services: Array<{ objectId: string; name: string }> };

      expect(result.services.map((service) => [service.objectId, service.name])).toEqual([
        ['b', 'B'],
        ['c', 'C2'],
        ['e', 'E'],
      ]);
    });
  });

  describe('inputs', () => {
    it('should leave the target and the patch unchanged when it merges', () => {
      const target = {
        a: { b: 1 },
        list: [
          { objectId: 'x', v: 1 },
          { objectId: 'y', v: 2 },
        ],
        gone: 'g',
      };
      const patch = {
        a: { b: 2, c: 3 },
        list: [
          { objectId: 'x', v: 9 },
          { objectId: 'y', _delete: true },
          { objectId: 'z', v: 3 },
        ],
        gone: null,
      };
      const targetBefore = structuredClone(target);
      const patchBefore = structuredClone(patch);

      sut(target, patch);

      expect(target).toEqual(targetBefore);
      expect(patch).toEqual(patchBefore);
    });

    it('should not share nested objects with the target when the result is changed later', () => {
      const target = { a: { b: 1 }, list: [{ objectId: 'x', v: 1 }] };
      const result = sut(target, { c: 1 }) as { a: { b: number }; list: Array<{ v: number }> };

      result.a.b = 2;
      result.list[0].v = 2;

      expect(target).toEqual({ a: { b: 1 }, list: [{ objectId: 'x', v: 1 }] });
    });
  });
});

describe('mergePatch regressions', () => {
  it('should apply objectId semantics even when the target has no array there yet, dropping _delete markers', () => {
    expect(
      mergePatch(
        { a: 1 },
        {
          list: [
            { objectId: 'x', _delete: true },
            { objectId: 'y', v: 1 },
          ],
        },
      ),
    ).toEqual({ a: 1, list: [{ objectId: 'y', v: 1 }] });
  });
});

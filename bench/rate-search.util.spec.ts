import { searchSustainedRate } from './rate-search.util';

// A stack that delivers up to `capacity` writes/s whatever is asked.
const stackWithCapacity = (capacity: number) => {
  const asked: number[] = [];
  const step = async (rate: number) => {
    asked.push(rate);
    return { achievedRate: Math.min(rate, capacity), writeP99Ms: 10 };
  };
  return { asked, step };
};

describe('searchSustainedRate', () => {
  const sut = searchSustainedRate;
  const options = { factor: 1.2, maxSteps: 10, sustainedShare: 0.9, refinements: 1 };

  it('should step up until the achieved rate falls under 90 % and then try once in between when the first rate holds', async () => {
    const stack = stackWithCapacity(300);

    const result = await sut({ ...options, startRate: 200, step: stack.step });

    expect(stack.asked).toEqual([200, 240, 290, 350, 320]);
    expect(result.sustainedRate).toBe(320);
    expect(result.steps.map((step) => step.sustained)).toEqual([true, true, true, false, true]);
  });

  it('should narrow the bracket once per refinement when more than one is asked', async () => {
    const stack = stackWithCapacity(300);

    const result = await sut({ ...options, refinements: 2, startRate: 200, step: stack.step });

    expect(stack.asked).toEqual([200, 240, 290, 350, 320, 330]);
    expect(result.sustainedRate).toBe(330);
  });

  it('should step down until a rate holds when the first rate does not', async () => {
    const stack = stackWithCapacity(100);

    const result = await sut({ ...options, startRate: 200, step: stack.step });

    expect(stack.asked.slice(0, 4)).toEqual([200, 170, 140, 120]);
    expect(result.sustainedRate).toBeGreaterThanOrEqual(100);
    expect(result.sustainedRate).toBeLessThanOrEqual(110);
  });

  it('should report no sustained rate when no rate holds within the step budget', async () => {
    const stack = stackWithCapacity(1);

    const result = await sut({ ...options, maxSteps: 3, startRate: 200, step: stack.step });

    expect(result.sustainedRate).toBeUndefined();
    expect(result.steps).toHaveLength(3);
  });
});

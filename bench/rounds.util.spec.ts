import { median, pairedRatios, percentile, spread } from './rounds.util';

describe('rounds statistics', () => {
  describe('median', () => {
    const sut = median;

    it('should give the middle value when the count is odd', () => {
      expect(sut([5, 1, 3])).toBe(3);
    });

    it('should give the mean of the two middle values when the count is even', () => {
      expect(sut([4, 1, 3, 2])).toBe(2.5);
    });

    it('should give NaN when there are no values', () => {
      expect(sut([])).toBeNaN();
    });
  });

  describe('spread', () => {
    const sut = spread;

    it('should not flag the values when all lie within 15 % of the median', () => {
      expect(sut([0.9, 1, 1.1, 0.95, 1.05])).toEqual({ median: 1, min: 0.9, max: 1.1, wide: false });
    });

    it('should flag the values when one lies more than 15 % below the median', () => {
      expect(sut([0.8, 1, 1, 1.05]).wide).toBe(true);
    });

    it('should flag the values when one lies more than 15 % above the median', () => {
      expect(sut([1, 1, 1.2]).wide).toBe(true);
    });
  });

  describe('pairedRatios', () => {
    const sut = pairedRatios;

    it('should divide each project round by the floor round with the same index when both ran', () => {
      const floor = [
        { index: 0, value: 100 },
        { index: 1, value: 50 },
      ];
      const project = [
        { index: 1, value: 40 },
        { index: 0, value: 90 },
        { index: 2, value: 10 },
      ];

      expect(sut(floor, project, (round) => round.value)).toEqual([0.8, 0.9]);
    });
  });
});

describe('percentile', () => {
  it('should give the value at or below which p % of the values lie when they are sorted', () => {
    const values = Array.from({ length: 100 }, (_, i) => i + 1);

    expect(percentile(values, 50)).toBe(50);
    expect(percentile(values, 99)).toBe(99);
    expect(percentile([3.2], 99)).toBe(3.2);
    expect(percentile([], 99)).toBeNaN();
  });
});

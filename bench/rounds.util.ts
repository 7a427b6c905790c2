// Statistics over interleaved rounds: verdicts are taken on the median, the min-max shows how far the rounds
// strayed, and a spread beyond the tolerance flags a scenario whose rounds do not agree.

export const SPREAD_TOLERANCE = 0.15;

export interface Spread {
  median: number;
  min: number;
  max: number;
  // Some value lies more than the tolerance away from the median (e.g. below 0.85x or above 1.15x).
  wide: boolean;
}

export function median(values: number[]): number {
  if (values.length === 0) return NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

export function spread(values: number[], tolerance = SPREAD_TOLERANCE): Spread {
  const middle = median(values);
  const min = Math.min(...values);
  const max = Math.max(...values);
  return { median: middle, min, max, wide: values.length > 0 && (min < middle * (1 - tolerance) || max > middle * (1 + tolerance)) };
}

// Round i of the floor against round i of the project: one ratio per pair, so a slow minute of the machine
// touches both sides of a ratio instead of one side of the whole comparison.
export function pairedRatios<T extends { index: number }>(floor: T[], project: T[], value: (round: T) => number): number[] {
  return project.flatMap((round) => {
    const other = floor.find((candidate) => candidate.index === round.index);
    return other ? [value(round) / value(other)] : [];
  });
}

// The p-th percentile of ascending values: the smallest value with at least p % of them at or below it.
export function percentile(sorted: number[], p: number): number {
  if (sorted.length === 0) return NaN;
  return sorted[Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1))];
}

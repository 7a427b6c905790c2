// Just enough of the Prometheus text format to read one histogram series and compare two scrapes.
export interface HistogramSnapshot {
  buckets: Array<{ le: number; count: number }>; // cumulative, ascending, ends with +Inf
  count: number;
}

const SAMPLE = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)/;
const LABEL = /([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g;

// The series of `name` whose labels include `labels`; empty (count 0) when it has no samples yet.
export function readHistogram(text: string, name: string, labels: Record<string, string>): HistogramSnapshot {
  const buckets = new Map<number, number>();
  for (const line of text.split('\n')) {
    const sample = SAMPLE.exec(line);
    if (!sample || sample[1] !== `${name}_bucket`) continue;
    const found = Object.fromEntries([...(sample[2] ?? '').matchAll(LABEL)].map(([, key, value]) => [key, value]));
    if (!Object.entries(labels).every(([key, value]) => found[key] === value)) continue;
    buckets.set(found.le === '+Inf' ? Infinity : Number(found.le), Number(sample[3]));
  }
  const sorted = [...buckets].map(([le, count]) => ({ le, count })).sort((a, b) => a.le - b.le);
  return { buckets: sorted, count: sorted.at(-1)?.count ?? 0 };
}

// What was observed between two scrapes of the same process (counters only grow).
export function diffHistogram(after: HistogramSnapshot, before: HistogramSnapshot): HistogramSnapshot {
  const earlier = new Map(before.buckets.map((bucket) => [bucket.le, bucket.count]));
  const buckets = after.buckets.map(({ le, count }) => ({ le, count: count - (earlier.get(le) ?? 0) }));
  return { buckets, count: buckets.at(-1)?.count ?? 0 };
}

// The upper bound of the bucket holding quantile q: "q of the observations took at most this long".
// Infinity when it falls above the largest finite bound; NaN for an empty histogram.
export function quantileUpperBound(histogram: HistogramSnapshot, q: number): number {
  if (histogram.count === 0) return NaN;
  const rank = q * histogram.count;
  return histogram.buckets.find((bucket) => bucket.count >= rank)?.le ?? Infinity;
}

export function fractionAtMost(histogram: HistogramSnapshot, bound: number): number {
  if (histogram.count === 0) return NaN;
  const bucket = histogram.buckets.find((candidate) => candidate.le === bound);
  if (!bucket) throw new Error(`the histogram has no bucket with le=${bound}`);
  return bucket.count / histogram.count;
}

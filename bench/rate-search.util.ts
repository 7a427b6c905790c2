// The highest write rate the stack sustains: step the paced rate up by `factor` until the achieved rate falls
// below `sustainedShare` of the target, then narrow the bracket between the last rate that held and the first
// that did not by trying halfway (geometrically), `refinements` times. If the first rate already fails, step
// down instead until one holds.

export interface RateStep {
  targetRate: number;
  achievedRate: number;
  writeP99Ms: number;
  sustained: boolean;
}

export interface RateSearchOptions {
  startRate: number;
  factor: number; // > 1
  maxSteps: number;
  sustainedShare: number; // e.g. 0.9
  refinements: number;
  step: (rate: number) => Promise<{ achievedRate: number; writeP99Ms: number }>;
}

export interface RateSearchResult {
  steps: RateStep[];
  sustainedRate?: number; // undefined when not even the lowest rate tried held
}

const roundRate = (rate: number) => Math.max(1, Math.round(rate / 10) * 10 || Math.round(rate));

export async function searchSustainedRate(options: RateSearchOptions): Promise<RateSearchResult> {
  const steps: RateStep[] = [];
  const tried = new Set<number>();
  const attempt = async (rate: number): Promise<boolean> => {
    tried.add(rate);
    const { achievedRate, writeP99Ms } = await options.step(rate);
    const sustained = achievedRate >= rate * options.sustainedShare;
    steps.push({ targetRate: rate, achievedRate, writeP99Ms, sustained });
    return sustained;
  };
  let best: number | undefined;
  let failed: number | undefined;
  let rate = roundRate(options.startRate);
  const goingUp = await attempt(rate);
  if (goingUp) best = rate;
  else failed = rate;
  while (steps.length < options.maxSteps) {
    rate = roundRate(goingUp ? rate * options.factor : rate / options.factor);
    if (tried.has(rate) || rate < 1) break;
    if (await attempt(rate)) {
      best = rate;
      if (!goingUp) break;
    } else {
      failed = rate;
      if (goingUp) break;
    }
  }
  for (let refined = 0; refined < options.refinements && best !== undefined && failed !== undefined && steps.length < options.maxSteps; refined += 1) {
    const between = roundRate(Math.sqrt(best * failed));
    if (tried.has(between) || between <= best || between >= failed) break;
    if (await attempt(between)) best = between;
    else failed = between;
  }
  return { steps, sustainedRate: best };
}

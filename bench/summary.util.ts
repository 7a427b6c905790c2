import { compare, formatSeconds, LagMeasurement, MemoryRow, ScenarioRun, Section, summarizeTarget } from './results.util';
import type { Spread } from './rounds.util';

// The one table of a run: every hot path, what was measured, the project against its floor and the target
// with met / not met. The detailed tables follow it. Pure, so the unit tier checks the verdicts.

export interface SummaryRow {
  hotPath: string;
  measure: string;
  project: string;
  floor: string; // '' when the scenario has none
  ratio: string; // project/floor, median (min-max) over the rounds
  target: string; // '' when reported only
  met?: boolean; // undefined when reported only
}

// A scenario's targets (issue 20): ratios to the floor, or an absolute p99.
export interface ScenarioTargets {
  minRatio?: number; // median req/s project/floor >= this
  maxCpuRatio?: number; // median CPU per request project/floor <= this
  maxP99Ratio?: number; // median p99 project/floor <= this
  maxP99Ms?: number; // median p99 of the project's rounds < this
}

export const SUMMARY_COLUMNS = ['hot path', 'measure', 'project', 'floor', 'project/floor', 'target', 'met'];

const fixed = (value: number, digits = 0) => (Number.isFinite(value) ? value.toFixed(digits) : 'n/a');
const ratioText = (value: Spread) => `${fixed(value.median, 2)} (${fixed(value.min, 2)}-${fixed(value.max, 2)})${value.wide ? ' SPREAD' : ''}`;

export function metCell(met: boolean | undefined): string {
  if (met === undefined) return 'reported';
  return met ? 'met' : 'NOT met';
}

// The rows of one scenario's rounds: req/s and CPU per request (and p99 when it has a p99 target), against
// the floor when there is one.
export function scenarioRows(run: ScenarioRun, targets: ScenarioTargets): SummaryRow[] {
  const project = summarizeTarget(run, 'project');
  if (!project) return [];
  const floor = summarizeTarget(run, 'floor');
  const comparison = compare(run);
  const rows: SummaryRow[] = [];
  const row = (measure: string, projectValue: string, floorValue: string, ratio: Spread | undefined, target: string, met: boolean | undefined) =>
    rows.push({ hotPath: run.scenario, measure, project: projectValue, floor: floorValue, ratio: ratio ? ratioText(ratio) : '', target, met });
  const gated = (limit: number | undefined, pass: (limit: number) => boolean) => (limit === undefined ? undefined : pass(limit));

  row(
    `req/s (${run.connections} conns)`,
    fixed(project.reqPerSec),
    floor ? fixed(floor.reqPerSec) : '',
    comparison?.throughput,
    targets.minRatio === undefined ? '' : `>= ${targets.minRatio}x`,
    gated(targets.minRatio, (limit) => comparison !== undefined && comparison.throughput.median >= limit),
  );
  row(
    'CPU µs/req',
    fixed(project.cpuUsPerReq),
    floor ? fixed(floor.cpuUsPerReq) : '',
    comparison?.cpu,
    targets.maxCpuRatio === undefined ? '' : `<= ${targets.maxCpuRatio}x`,
    gated(targets.maxCpuRatio, (limit) => comparison !== undefined && comparison.cpu.median <= limit),
  );
  if (targets.maxP99Ratio !== undefined || targets.maxP99Ms !== undefined || comparison?.p99) {
    const target = [targets.maxP99Ratio === undefined ? '' : `<= ${targets.maxP99Ratio}x`, targets.maxP99Ms === undefined ? '' : `< ${targets.maxP99Ms} ms`]
      .filter(Boolean)
      .join(', ');
    const byRatio = gated(targets.maxP99Ratio, (limit) => comparison !== undefined && comparison.p99.median <= limit);
    const byMs = gated(targets.maxP99Ms, (limit) => project.p99Ms < limit);
    const verdicts = [byRatio, byMs].filter((verdict) => verdict !== undefined);
    row('p99 ms', fixed(project.p99Ms, 2), floor ? fixed(floor.p99Ms, 2) : '', comparison?.p99, target, verdicts.length ? verdicts.every(Boolean) : undefined);
  }
  return rows;
}

// Index lag at a rate: judged only when the rate it names was reached.
export function lagRow(row: LagMeasurement, maxP99S: number, sustained: boolean, sustainedShare: number): SummaryRow {
  const rateReached = row.achievedRate >= row.targetRate * (sustained ? sustainedShare : 0.95);
  return {
    hotPath: row.scenario,
    measure: `index lag p99 at ${row.achievedRate.toFixed(0)} of ${row.targetRate} writes/s${rateReached ? '' : ' (rate NOT reached)'}`,
    project: formatSeconds(row.lagP99S),
    floor: '',
    ratio: '',
    target: `within the ${maxP99S} s bucket`,
    met: rateReached && row.lagP99S <= maxP99S && row.indexed >= row.writesOk,
  };
}

export function memoryRows(memory: MemoryRow[], limitBytes: number, floors: string[]): SummaryRow[] {
  return memory.map((row) => {
    const isFloor = floors.includes(row.app);
    return {
      hotPath: `${row.app} memory`,
      measure: 'peak RSS MB (whole run)',
      project: isFloor ? '' : fixed(row.peakRssBytes / 2 ** 20),
      floor: isFloor ? fixed(row.peakRssBytes / 2 ** 20) : '',
      ratio: '',
      target: isFloor ? '' : `< ${limitBytes / 2 ** 20} MB`,
      met: isFloor ? undefined : row.peakRssBytes < limitBytes,
    };
  });
}

export function summaryCells(rows: SummaryRow[]): string[][] {
  return rows.map((row) => [row.hotPath, row.measure, row.project, row.floor, row.ratio, row.target, metCell(row.met)]);
}

// One line for the console's end: how many targets were met.
export function summaryTally(rows: SummaryRow[]): string {
  const judged = rows.filter((row) => row.met !== undefined);
  const missed = judged.filter((row) => !row.met);
  return `${judged.length - missed.length} of ${judged.length} targets met${missed.length ? `; not met: ${missed.map((row) => `${row.hotPath} ${row.measure}`).join('; ')}` : ''}`;
}

export function summarySection(rows: SummaryRow[]): Section {
  return { title: 'Every hot path against its target (medians over the interleaved rounds)', columns: SUMMARY_COLUMNS, body: summaryCells(rows), textColumns: 2 };
}

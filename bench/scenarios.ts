import { formatSeconds, LagMeasurement, Measurement, Verdict } from './results.util';

export interface Scenario {
  key: string; // for BENCH_ONLY
  name: string;
  method: 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';
  path: string;
  headers: Record<string, string>; // a body goes as application/json unless these name a content-type
  body?: unknown;
  expectStatus: number;
  // Checked on one request per target before measuring; autocannon itself only counts status codes.
  expectHeaders?: Record<string, string>;
  // Headers the floor and the project must answer with the same value (checked with the bodies).
  sameHeaders?: string[];
  // true when bench/floor-server.ts serves the same route; its answer must then equal the project's.
  floor: boolean;
  connections?: number; // default BENCH_CONNECTIONS
  // Writes that must not race each other: connection i of a run sends to its own path (warm-up and measured
  // run get different lists, as long as the connection count) with a fresh body per request.
  perConnection?: { warmUp: string[]; measured: string[]; body: () => unknown };
  emits?: string; // the event each 2xx produces, so the indexer's catch-up can be awaited later
  minRatio?: number; // target: project req/s >= minRatio x floor req/s
}

export interface LagScenario {
  key: string;
  name: string;
  ratePerSecond: number;
  maxP99S: number; // target: p99 below this
}

export interface BenchUser {
  id: string;
  accessToken: string;
}

export interface BenchPlans {
  read: { id: string; etag: string };
  patchProbe: string;
  patchWarmUp: string[];
  patchMeasured: string[];
}

export const PATCH_CONNECTIONS = 10;
const READ_TARGET_RATIO = 0.8;

// Add scenarios here (for a floor, add the same route to floor-server.ts). Each runs against the floor, then the project.
export const scenarios = (user: BenchUser, plans: BenchPlans): Scenario[] => {
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const planHeaders = ['etag', 'last-modified', 'cache-control', 'content-type', 'x-cache', 'x-ratelimit-limit'];
  let copay = 0;
  return [
    {
      key: 'users-me',
      name: 'users/me cached read (auth + rate limit + Redis read)',
      method: 'GET',
      path: '/api/v1/users/me',
      headers: auth,
      expectStatus: 200,
      expectHeaders: { 'x-cache': 'HIT' },
      floor: true,
    },
    {
      key: 'plan-get-200',
      name: 'GET plan, cache hit (200)',
      method: 'GET',
      path: `/api/v1/plans/${plans.read.id}`,
      headers: auth,
      expectStatus: 200,
      expectHeaders: { 'x-cache': 'HIT', etag: plans.read.etag, 'cache-control': 'private, no-cache', 'content-type': 'application/json; charset=utf-8' },
      sameHeaders: planHeaders,
      floor: true,
      minRatio: READ_TARGET_RATIO,
    },
    {
      key: 'plan-get-304',
      name: 'GET plan, conditional (304)',
      method: 'GET',
      path: `/api/v1/plans/${plans.read.id}`,
      headers: { ...auth, 'if-none-match': plans.read.etag },
      expectStatus: 304,
      expectHeaders: { 'x-cache': 'HIT', etag: plans.read.etag },
      sameHeaders: planHeaders,
      floor: true,
      minRatio: READ_TARGET_RATIO,
    },
    {
      key: 'plan-patch',
      name: 'PATCH plan (merge patch, If-Match: *)',
      method: 'PATCH',
      path: `/api/v1/plans/${plans.patchProbe}`,
      headers: { ...auth, 'content-type': 'application/merge-patch+json', 'if-match': '*' },
      body: { planCostShares: { copay: 0 } },
      expectStatus: 200,
      floor: false,
      connections: PATCH_CONNECTIONS,
      perConnection: {
        warmUp: plans.patchWarmUp.map((id) => `/api/v1/plans/${id}`),
        measured: plans.patchMeasured.map((id) => `/api/v1/plans/${id}`),
        body: () => ({ planCostShares: { copay: ++copay } }),
      },
      emits: 'plan.updated',
    },
  ];
};

// The lower rate first: measured after an overload run it would also carry that run's after-effects.
export const lagScenarios: LagScenario[] = [
  { key: 'lag-200', name: 'index lag, POST plan at 200/s', ratePerSecond: 200, maxP99S: 1 },
  { key: 'lag-1000', name: 'index lag, POST plan at 1000/s', ratePerSecond: 1000, maxP99S: 1 },
];

// The issue's targets, one line per scenario that has one: PASS/FAIL with the numbers behind it.
export function verdicts(all: Scenario[], rows: Measurement[], lagRows: LagMeasurement[]): Verdict[] {
  const result: Verdict[] = [];
  for (const scenario of all.filter((candidate) => candidate.minRatio !== undefined)) {
    const floor = rows.find((row) => row.scenario === scenario.name && row.target === 'floor');
    const project = rows.find((row) => row.scenario === scenario.name && row.target === 'project');
    if (!floor || !project) continue;
    const ratio = project.reqPerSec / floor.reqPerSec;
    result.push({
      scenario: scenario.name,
      criterion: `req/s project/floor >= ${scenario.minRatio}`,
      actual: `${ratio.toFixed(2)}: ${project.reqPerSec.toFixed(0)} vs ${floor.reqPerSec.toFixed(0)} req/s`,
      pass: ratio >= scenario.minRatio!,
    });
  }
  for (const row of lagRows) {
    const limit = lagScenarios.find((scenario) => scenario.name === row.scenario)!.maxP99S;
    // The target is the lag at the named rate: a run that could not drive that rate has not met it.
    const rateReached = row.achievedRate >= row.targetRate * 0.95;
    result.push({
      scenario: row.scenario,
      criterion: `index lag p99 within the ${limit} s bucket at ${row.targetRate} writes/s`,
      actual: `p99 ${formatSeconds(row.lagP99S)} at ${row.achievedRate.toFixed(0)} writes/s, ${rateReached ? 'rate reached' : `target rate ${row.targetRate}/s NOT reached`}`,
      pass: rateReached && row.lagP99S <= limit && row.indexed >= row.writesOk,
    });
  }
  return result;
}

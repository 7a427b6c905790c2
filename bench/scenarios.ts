import { contentScenarios } from './content-scenarios';
import type { LagScenario, Scenario, ScenarioContext } from './scenario.types';
import { planDocument } from './plan-document.util';
import { Target } from './results.util';

export const WRITE_CONNECTIONS = 10;
const READ_TARGET_RATIO = 0.9;
const READ_TARGET_CPU_RATIO = 1.2;
export const READ_TARGETS = { minRatio: READ_TARGET_RATIO, maxCpuRatio: READ_TARGET_CPU_RATIO };
// Issue 20: plan writes at two thirds of the floor, CPU per write at most twice the floor's (gateway + core + indexer).
const WRITE_TARGETS = { minRatio: 0.65, maxCpuRatio: 2.0 };
// Same length for both, so floor and project write documents of the same size.
export const TARGET_TAG: Record<Target, string> = { floor: 'fl', project: 'pr' };

const headerValue = (headers: Record<string, string>, name: string) => Object.entries(headers).find(([key]) => key.toLowerCase() === name)?.[1];

// Add scenarios here (for a floor, add the same route to floor-server.ts / floor-plan-writes.ts).
export const scenarios = (context: ScenarioContext): Scenario[] => {
  const { user, plans, runTag, currentEtags } = context;
  const auth = { authorization: `Bearer ${user.accessToken}` };
  const planHeaders = ['etag', 'last-modified', 'cache-control', 'content-type', 'x-cache', 'x-ratelimit-limit'];
  let created = 0;
  let copay = 0;
  // PUT sends If-Match with the ETag of its plan's last write: seeded from the database before each round
  // (a request cut off at the end of the previous round may still have written), then taken from each answer.
  const putEtags = new Map<string, string>();
  const putDocuments = new Map(
    [...plans.put.floor, ...plans.put.project].map((plan) => [plan.id, JSON.parse(planDocument(plan.suffix)) as { planCostShares: { copay: number } }]),
  );
  return [
    {
      key: 'users-me',
      name: 'users/me cached read (auth + rate limit + Redis read)',
      kind: 'read',
      method: 'GET',
      path: '/api/v1/users/me',
      headers: auth,
      expectStatus: 200,
      expectHeaders: { 'x-cache': 'HIT' },
      floor: true,
      minRatio: READ_TARGET_RATIO,
      maxCpuRatio: READ_TARGET_CPU_RATIO,
    },
    {
      key: 'plan-get-200',
      name: 'GET plan, cache hit (200)',
      kind: 'read',
      method: 'GET',
      path: `/api/v1/plans/${plans.read.id}`,
      headers: auth,
      expectStatus: 200,
      expectHeaders: { 'x-cache': 'HIT', etag: plans.read.etag, 'cache-control': 'private, no-cache', 'content-type': 'application/json; charset=utf-8' },
      sameHeaders: planHeaders,
      floor: true,
      minRatio: READ_TARGET_RATIO,
      maxCpuRatio: READ_TARGET_CPU_RATIO,
    },
    {
      key: 'plan-get-304',
      name: 'GET plan, conditional (304)',
      kind: 'read',
      method: 'GET',
      path: `/api/v1/plans/${plans.read.id}`,
      headers: { ...auth, 'if-none-match': plans.read.etag },
      expectStatus: 304,
      expectHeaders: { 'x-cache': 'HIT', etag: plans.read.etag },
      sameHeaders: planHeaders,
      floor: true,
      minRatio: READ_TARGET_RATIO,
      maxCpuRatio: READ_TARGET_CPU_RATIO,
    },
    {
      key: 'plan-post',
      name: 'POST plan (new plan every request)',
      kind: 'write',
      method: 'POST',
      path: '/api/v1/plans',
      headers: { ...auth, 'content-type': 'application/json' },
      expectStatus: 201,
      floor: true,
      ...WRITE_TARGETS,
      connections: WRITE_CONNECTIONS,
      connection: (target, index) => ({
        path: '/api/v1/plans',
        body: () => planDocument(`${runTag}-${TARGET_TAG[target]}c${index}n${++created}`),
      }),
    },
    {
      key: 'plan-put',
      name: 'PUT plan (If-Match: its last ETag)',
      kind: 'write',
      method: 'PUT',
      path: '/api/v1/plans/:id',
      headers: { ...auth, 'content-type': 'application/json' },
      expectStatus: 200,
      floor: true,
      ...WRITE_TARGETS,
      connections: WRITE_CONNECTIONS,
      // Each connection replaces its own plan (two in flight on one plan would give 412), changing one copay.
      connection: (target, index) => {
        const { id } = plans.put[target][index];
        const document = putDocuments.get(id)!;
        return {
          path: `/api/v1/plans/${id}`,
          body: () => {
            document.planCostShares.copay = ++copay;
            return JSON.stringify(document);
          },
          headers: () => ({ 'if-match': putEtags.get(id)! }),
          onResponse: (status, headers) => {
            const etag = headerValue(headers, 'etag');
            if (status === 200 && etag) putEtags.set(id, etag);
          },
        };
      },
      beforeRound: async (target) => {
        for (const [id, etag] of await currentEtags(
          target,
          plans.put[target].map((plan) => plan.id),
        ))
          putEtags.set(id, etag);
      },
    },
    {
      key: 'plan-patch',
      name: 'PATCH plan (merge patch, If-Match: *)',
      kind: 'write',
      method: 'PATCH',
      path: '/api/v1/plans/:id',
      headers: { ...auth, 'content-type': 'application/merge-patch+json', 'if-match': '*' },
      expectStatus: 200,
      floor: true,
      ...WRITE_TARGETS,
      connections: WRITE_CONNECTIONS,
      // Core patches the version it read and stores it conditionally: one plan per connection, or 412s.
      connection: (target, index) => ({
        path: `/api/v1/plans/${plans.patch[target][index].id}`,
        body: () => JSON.stringify({ planCostShares: { copay: ++copay } }),
      }),
    },
    ...contentScenarios(context, READ_TARGETS),
  ];
};

// The fixed rate first: measured after an overload it would also carry that run's after-effects.
export const lagScenarios: LagScenario[] = [
  { key: 'lag-200', name: 'index lag, POST plan at 200/s', ratePerSecond: 200, maxP99S: 1 },
  { key: 'lag-max', name: 'index lag, POST plan at the sustained rate', maxP99S: 1 },
];

export const APP_RSS_LIMIT_BYTES = 200 * 2 ** 20;
export const RATE_SUSTAINED_SHARE = 0.9;

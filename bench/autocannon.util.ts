import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { call, expectStatus, Reply } from './http.util';
import { Target } from './results.util';
import { percentile } from './rounds.util';
import type { Scenario } from './scenario.types';

export async function probe(scenario: Scenario, target: Target, baseUrl: string): Promise<Reply> {
  const body = scenario.body;
  const reply = await call(scenario.method, `${baseUrl}${scenario.path}`, scenario.headers, body);
  expectStatus(`${scenario.name} @ ${target}`, reply, scenario.expectStatus);
  for (const [name, value] of Object.entries(scenario.expectHeaders ?? {})) {
    const actual = reply.headers.get(name);
    if (actual !== value) throw new Error(`${scenario.name} @ ${target}: expected header ${name}: ${value}, got ${actual}`);
  }
  return reply;
}

export function assertSameAnswer(scenario: Scenario, floor: Reply, project: Reply): void {
  if (!isDeepStrictEqual(floor.body, project.body)) {
    throw new Error(`${scenario.name}: floor and project answer differently:\n${floor.text.slice(0, 500)}\n${project.text.slice(0, 500)}`);
  }
  for (const name of scenario.sameHeaders ?? []) {
    if (floor.headers.get(name) !== project.headers.get(name)) {
      throw new Error(`${scenario.name}: header ${name} differs: floor ${floor.headers.get(name)}, project ${project.headers.get(name)}`);
    }
  }
}

// Throws on any response that is not the expected status, and on socket errors or timeouts.
function assertClean(label: string, result: autocannon.Result, status: number): void {
  const problems = Object.entries(result.statusCodeStats ?? {})
    .filter(([code, stats]) => Number(code) !== status && (stats.count ?? 0) > 0)
    .map(([code, stats]) => `${stats.count} x HTTP ${code}`);
  if (problems.length === 0 && status < 300 && result.non2xx > 0) problems.push(`${result.non2xx} non-2xx`);
  if (result.errors > 0) problems.push(`${result.errors} errors`);
  if (result.timeouts > 0) problems.push(`${result.timeouts} timeouts`);
  if (result.requests.total === 0) problems.push('no responses');
  if (problems.length > 0) throw new Error(`${label}: ${problems.join(', ')} (every response must be HTTP ${status})`);
}

function cannonOptions(scenario: Scenario, target: Target, baseUrl: string, connections: number): autocannon.Options {
  const hasType = Object.keys(scenario.headers).some((name) => name.toLowerCase() === 'content-type');
  const withBody = scenario.body !== undefined || (scenario.connection !== undefined && scenario.method !== 'GET');
  const headers = withBody && !hasType ? { ...scenario.headers, 'content-type': 'application/json' } : scenario.headers;
  const options: autocannon.Options = {
    url: `${baseUrl}${scenario.path}`,
    method: scenario.method,
    headers,
    body: scenario.body === undefined ? undefined : JSON.stringify(scenario.body),
    connections,
  };
  const perConnection = scenario.connection;
  if (!perConnection) return options;
  let next = 0;
  options.setupClient = (client) => {
    const load = perConnection(target, next++);
    client.setRequests([
      {
        method: scenario.method,
        path: typeof load.path === 'string' ? load.path : scenario.path,
        headers,
        setupRequest: (request) => ({
          ...request,
          path: typeof load.path === 'string' ? load.path : load.path(),
          headers: load.headers ? { ...headers, ...load.headers() } : headers,
          body: load.body?.(),
        }),
        onResponse: load.onResponse
          ? (status, _body, _context, responseHeaders) => load.onResponse!(status, responseHeaders as unknown as Record<string, string>)
          : undefined,
      },
    ]);
  };
  return options;
}

export interface LoadResult {
  reqPerSec: number;
  p50Ms: number;
  p99Ms: number;
  requests: number;
}

// One closed-loop run of the scenario against one target; fails on anything but the expected status. autocannon's
// own histogram keeps whole milliseconds; p50 and p99 come from each response's own sub-millisecond time instead
// (the dashboard's target is p99 < 5 ms).
export async function load(scenario: Scenario, target: Target, baseUrl: string, run: { connections: number; durationS: number; label: string }): Promise<LoadResult> {
  const connections = scenario.connections ?? run.connections;
  const options = cannonOptions(scenario, target, baseUrl, connections);
  const times: number[] = [];
  const setup = options.setupClient;
  options.setupClient = (client) => {
    setup?.(client);
    client.on('response', (_status: number, _bytes: number, ms: number) => times.push(ms));
  };
  const result = await autocannon({ ...options, duration: run.durationS });
  assertClean(run.label, result, scenario.expectStatus);
  times.sort((a, b) => a - b);
  return {
    reqPerSec: result.requests.total / result.duration,
    p50Ms: percentile(times, 50),
    p99Ms: percentile(times, 99),
    requests: result.requests.total,
  };
}

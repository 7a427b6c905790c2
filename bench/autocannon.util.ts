import { isDeepStrictEqual } from 'node:util';
import autocannon from 'autocannon';
import { call, expectStatus, Reply } from './http.util';
import { addEvents, EventLedger } from './index-lag.util';
import { Measurement, Target } from './results.util';
import { Scenario } from './scenarios';

export async function probe(scenario: Scenario, target: Target, baseUrl: string): Promise<Reply> {
  const body = scenario.perConnection ? scenario.perConnection.body() : scenario.body;
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

function cannonOptions(scenario: Scenario, baseUrl: string, paths: string[] | undefined, connections: number): autocannon.Options {
  const hasType = Object.keys(scenario.headers).some((name) => name.toLowerCase() === 'content-type');
  const withBody = scenario.body !== undefined || scenario.perConnection !== undefined;
  const headers = withBody && !hasType ? { ...scenario.headers, 'content-type': 'application/json' } : scenario.headers;
  const options: autocannon.Options = {
    url: `${baseUrl}${scenario.path}`,
    method: scenario.method,
    headers,
    body: scenario.body === undefined ? undefined : JSON.stringify(scenario.body),
    connections: scenario.connections ?? connections,
  };
  const perConnection = scenario.perConnection;
  if (!paths || !perConnection) return options;
  if (paths.length < options.connections!) throw new Error(`${scenario.name}: ${options.connections} connections need as many paths, got ${paths.length}`);
  let next = 0;
  options.setupClient = (client) => {
    const path = paths[next++];
    client.setRequests([{ method: scenario.method, path, headers, setupRequest: (request) => ({ ...request, body: JSON.stringify(perConnection.body()) }) }]);
  };
  return options;
}

export async function measure(
  scenario: Scenario,
  target: Target,
  baseUrl: string,
  run: { connections: number; warmUpS: number; durationS: number },
  ledger: EventLedger,
): Promise<Measurement> {
  const label = `${scenario.name} @ ${target}`;
  const warmUp = await autocannon({ ...cannonOptions(scenario, baseUrl, scenario.perConnection?.warmUp, run.connections), duration: run.warmUpS });
  assertClean(`${label} (warm-up)`, warmUp, scenario.expectStatus);
  const options = cannonOptions(scenario, baseUrl, scenario.perConnection?.measured, run.connections);
  const result = await autocannon({ ...options, duration: run.durationS });
  assertClean(label, result, scenario.expectStatus);
  if (scenario.emits) addEvents(ledger, scenario.emits, warmUp['2xx'] + result['2xx']);
  return {
    scenario: scenario.name,
    target,
    connections: options.connections!,
    reqPerSec: result.requests.average,
    p50Ms: result.latency.p50,
    p99Ms: result.latency.p99,
    requests: result.requests.total,
  };
}

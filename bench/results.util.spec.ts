import { consoleReport, Report, Round, ScenarioRun, Target } from './results.util';

const round = (index: number, target: Target, reqPerSec: number): Round => ({
  index,
  target,
  reqPerSec,
  p50Ms: 1,
  p99Ms: 2,
  requests: reqPerSec * 5,
  cpuUs: target === 'floor' ? { floor: reqPerSec * 400 } : { gateway: reqPerSec * 500, core: 0, indexer: 0 },
});

const run = (key: string, targets: Target[]): ScenarioRun => ({
  key,
  scenario: key,
  kind: 'read',
  connections: 20,
  rounds: targets.flatMap((target, i) => [round(0, target, 1000 + i), round(1, target, 1010 + i)]),
});

const report = (scenarios: ScenarioRun[]): Report => ({ scenarios, lag: [], memory: [], extra: [] });

describe('results report', () => {
  const sut = consoleReport;

  it('should list a scenario without a floor in its own table without ratio columns when the run has one', () => {
    const text = sut(report([run('hit-read', ['floor', 'project']), run('miss-read', ['project'])]));

    const [interleaved, projectOnly] = text.split('Project only, no floor');
    expect(interleaved).toContain('hit-read');
    expect(interleaved).not.toContain('miss-read');
    expect(projectOnly).toContain('miss-read');
    expect(projectOnly).not.toContain('project/floor');
  });

  it('should leave the project-only table out when every scenario has a floor', () => {
    const text = sut(report([run('hit-read', ['floor', 'project'])]));

    expect(text).toContain('Interleaved rounds');
    expect(text).not.toContain('Project only');
  });
});

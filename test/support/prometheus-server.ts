import { ChildProcess, spawn } from 'node:child_process';
import { mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { parse, stringify } from 'yaml';
import { eventually } from './eventually';

const ROOT = join(__dirname, '..', '..');
export const PROMETHEUS_BINARY = process.env.PROMETHEUS_BINARY ?? '/usr/bin/prometheus';

export interface PrometheusAlert {
  labels: Record<string, string>;
  annotations: Record<string, string>;
  state: 'pending' | 'firing';
  value: string;
}

async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

// The repo's scrape config (ops/prometheus/prometheus.yml) with each job's targets replaced by `targets`, the repo's
// rule files, and short intervals: what compose runs, pointed at the test's processes.
export function testScrapeConfig(targets: Record<string, string>, intervalSeconds: number): string {
  const config = parse(readFileSync(join(ROOT, 'ops/prometheus/prometheus.yml'), 'utf8')) as {
    global: Record<string, string>;
    rule_files: string[];
    scrape_configs: Array<{ job_name: string; static_configs: Array<{ targets: string[] }> }>;
  };
  const jobs = config.scrape_configs.map((job) => job.job_name).sort();
  const missing = jobs.filter((job) => !targets[job]);
  if (missing.length) throw new Error(`no test target for job(s) ${missing.join(', ')}`);
  config.global = { ...config.global, scrape_interval: `${intervalSeconds}s`, scrape_timeout: `${intervalSeconds}s`, evaluation_interval: `${intervalSeconds}s` };
  config.rule_files = [join(ROOT, 'ops/prometheus/rules/*.yml')];
  for (const job of config.scrape_configs) job.static_configs = [{ targets: [targets[job.job_name]] }];
  return stringify(config);
}

// The real prometheus binary on a free loopback port, with its own storage directory.
export class PrometheusServer {
  readonly lines: string[] = [];
  private child?: ChildProcess;
  private dir?: string;
  port = 0;

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async start(config: string): Promise<this> {
    this.dir = mkdtempSync(join(tmpdir(), 'prometheus-e2e-'));
    writeFileSync(join(this.dir, 'prometheus.yml'), config);
    this.port = await freePort();
    this.child = spawn(
      PROMETHEUS_BINARY,
      [`--config.file=${join(this.dir, 'prometheus.yml')}`, `--storage.tsdb.path=${join(this.dir, 'data')}`, `--web.listen-address=127.0.0.1:${this.port}`],
      { stdio: ['ignore', 'pipe', 'pipe'] },
    );
    const collect = (chunk: Buffer) => this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    await eventually(
      async () => {
        if (this.child?.exitCode !== null) throw new Error(`prometheus exited:\n${this.lines.slice(-10).join('\n')}`);
        const response = await fetch(`${this.url}/-/ready`);
        if (response.status !== 200) throw new Error(`prometheus not ready: ${response.status}`);
      },
      30_000,
      200,
    );
    return this;
  }

  async query(promql: string): Promise<Array<{ metric: Record<string, string>; value: [number, string] }>> {
    const response = await fetch(`${this.url}/api/v1/query?query=${encodeURIComponent(promql)}`);
    const body = (await response.json()) as { status: string; data: { result: Array<{ metric: Record<string, string>; value: [number, string] }> } };
    if (body.status !== 'success') throw new Error(`query ${promql} failed: ${JSON.stringify(body)}`);
    return body.data.result;
  }

  async alerts(): Promise<PrometheusAlert[]> {
    const body = (await (await fetch(`${this.url}/api/v1/alerts`)).json()) as { data: { alerts: PrometheusAlert[] } };
    return body.data.alerts;
  }

  async stop(): Promise<void> {
    if (this.child && this.child.exitCode === null) {
      const exited = new Promise((resolve) => this.child!.once('exit', resolve));
      this.child.kill('SIGTERM');
      await exited;
    }
    if (this.dir) rmSync(this.dir, { recursive: true, force: true });
  }
}

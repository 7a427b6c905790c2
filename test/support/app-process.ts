import { ChildProcess, spawn } from 'node:child_process';
import { join } from 'node:path';
import { eventually } from './eventually';
import { TEST_ENV, testPort } from './test-env';

export type AppName = 'gateway' | 'core' | 'indexer' | 'scheduler' | 'provider-sim';
const PORT_VARIABLE: Record<AppName, string> = {
  gateway: 'PORT',
  core: 'CORE_PORT',
  indexer: 'INDEXER_PORT',
  scheduler: 'SCHEDULER_PORT',
  'provider-sim': 'PROVIDER_SIM_PORT',
};
const ROOT = join(__dirname, '..', '..');

// One built app as a real process: its own port, its JSON log lines captured for assertions.
export class AppProcess {
  readonly lines: string[] = [];
  readonly exited: Promise<number | null>;
  readonly port: number;
  private readonly child: ChildProcess;

  constructor(
    readonly name: AppName,
    port: number,
    env: Record<string, string> = {},
  ) {
    this.port = testPort(port);
    this.child = spawn(process.execPath, [join(ROOT, 'dist', 'apps', name, 'src', 'main.js')], {
      cwd: ROOT,
      env: { PATH: process.env.PATH ?? '', ...TEST_ENV, [PORT_VARIABLE[name]]: String(this.port), ...env },
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    const collect = (chunk: Buffer) => this.lines.push(...chunk.toString('utf8').split('\n').filter(Boolean));
    this.child.stdout!.on('data', collect);
    this.child.stderr!.on('data', collect);
    this.exited = new Promise((resolve) => this.child.once('exit', (code) => resolve(code)));
  }

  // The process id, e.g. to sample its memory from /proc.
  get pid(): number | undefined {
    return this.child.pid;
  }

  get url(): string {
    return `http://127.0.0.1:${this.port}`;
  }

  async ready(timeoutMs = 30_000): Promise<this> {
    let exitCode: number | null | undefined;
    void this.exited.then((code) => (exitCode = code));
    await eventually(
      async () => {
        if (exitCode !== undefined) throw new Error(`${this.name} exited with ${exitCode}:\n${this.lines.slice(-20).join('\n')}`);
        const response = await fetch(`${this.url}/health/ready`);
        if (response.status !== 200) throw new Error(`${this.name} not ready: ${response.status}`);
      },
      timeoutMs,
      150,
    );
    return this;
  }

  logs(): Array<Record<string, unknown>> {
    return this.lines.flatMap((line) => {
      try {
        return [JSON.parse(line) as Record<string, unknown>];
      } catch {
        return [];
      }
    });
  }

  signal(signal: NodeJS.Signals): void {
    this.child.kill(signal);
  }

  async stop(signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    if (this.child.exitCode === null && this.child.signalCode === null) this.child.kill(signal);
    return this.exited;
  }
}

export async function startApp(name: AppName, port: number, env: Record<string, string> = {}): Promise<AppProcess> {
  return new AppProcess(name, port, env).ready();
}

import { ChildProcess, execFileSync, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

// Process and measurement helpers of the orders benchmark, kept to themselves so it does not depend on the
// rest of bench/ while that is rebuilt.

export interface Child {
  name: string;
  logFile: string;
  process: ChildProcess;
  exited: Promise<number | string | null>;
}

export function spawnNode(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string, nodeArgs: string[] = []): Child {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  return { name, logFile, process: child, exited: new Promise((resolve) => child.once('exit', (code, signal) => resolve(code ?? signal))) };
}

export function tail(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export async function waitForReady(child: Child, url: string, timeoutMs = 60_000): Promise<void> {
  let exited: string | undefined;
  void child.exited.then((code) => (exited = String(code ?? 'exited')));
  const deadline = Date.now() + timeoutMs;
  while (Date.now() < deadline) {
    if (exited !== undefined) throw new Error(`${child.name} exited (${exited}) before it was ready:\n${tail(child.logFile)}`);
    try {
      if ((await fetch(url, { signal: AbortSignal.timeout(1000) })).status === 200) return;
    } catch {
      // not listening yet
    }
    await sleep(200);
  }
  throw new Error(`${child.name} not ready at ${url} within ${timeoutMs} ms:\n${tail(child.logFile)}`);
}

export async function stop(child: Child | undefined, graceMs = 15_000): Promise<void> {
  if (!child || child.process.exitCode !== null || child.process.signalCode !== null) return;
  child.process.kill('SIGTERM');
  const stopped = await Promise.race([child.exited.then(() => true), sleep(graceMs).then(() => false)]);
  if (!stopped) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
}

export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is in use; the orders benchmark needs 3200-3209`)));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve()));
  });
}

export const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

// CPU seconds (user + system) a process has used so far, from /proc (Linux).
export function cpuSeconds(pid: number | undefined): number {
  if (!pid) return 0;
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1].split(' ');
    return (Number(fields[11]) + Number(fields[12])) / 100; // utime, stime in clock ticks (USER_HZ = 100)
  } catch {
    return 0;
  }
}

// Every process with this exact name (postgres backends, beam.smp, redis-server): shared services, so their
// CPU includes whatever else the machine runs meanwhile.
export function pidsOf(name: string): number[] {
  try {
    return execFileSync('pgrep', ['-x', name], { encoding: 'utf8' }).trim().split('\n').filter(Boolean).map(Number);
  } catch {
    return [];
  }
}

export function median(values: number[]): number {
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

// A sample of a Prometheus text metric (first matching line).
export function metricValue(text: string, name: string): number {
  const line = text.split('\n').find((candidate) => candidate.startsWith(`${name} `) || candidate.startsWith(`${name}{`));
  return line ? Number(line.slice(line.lastIndexOf(' ') + 1)) : 0;
}

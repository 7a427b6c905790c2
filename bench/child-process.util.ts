import { ChildProcess, spawn } from 'node:child_process';
import { closeSync, openSync, readFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';

export interface ManagedChild {
  name: string;
  logFile: string;
  process: ChildProcess;
  exitCode: number | string | null | undefined; // undefined while running
  exited: Promise<void>;
}

// Output goes straight to a file descriptor: the harness (which also runs autocannon) never touches it.
// nodeArgs go before the script (e.g. --cpu-prof).
export function spawnNode(name: string, script: string, env: NodeJS.ProcessEnv, logDir: string, nodeArgs: string[] = []): ManagedChild {
  const logFile = join(logDir, `${name}.log`);
  const fd = openSync(logFile, 'a');
  const child = spawn(process.execPath, [...nodeArgs, script], { env, stdio: ['ignore', fd, fd] });
  closeSync(fd);
  const managed: ManagedChild = { name, logFile, process: child, exitCode: undefined, exited: Promise.resolve() };
  managed.exited = new Promise((resolve) => {
    child.once('exit', (code, signal) => {
      managed.exitCode = code ?? signal;
      resolve();
    });
  });
  return managed;
}

export function tailLog(file: string, lines = 20): string {
  try {
    return readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  } catch {
    return '(no log)';
  }
}

export function logLines(file: string): string[] {
  try {
    return readFileSync(file, 'utf8')
      .split('\n')
      .filter((line) => line.trim() !== '');
  } catch {
    return [];
  }
}

// Polls until the URL answers 200; gives up at the deadline or as soon as the process dies.
export async function waitForReady(child: ManagedChild, url: string, timeoutMs: number): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  let last = 'no answer yet';
  while (Date.now() < deadline) {
    if (child.exitCode !== undefined) {
      throw new Error(`${child.name} exited (${child.exitCode}) before it was ready. Last log lines:\n${tailLog(child.logFile)}`);
    }
    try {
      const response = await fetch(url, { signal: AbortSignal.timeout(1000) });
      if (response.status === 200) return;
      last = `HTTP ${response.status}: ${(await response.text()).slice(0, 300)}`;
    } catch (error) {
      last = (error as Error).message;
    }
    await new Promise((resolve) => setTimeout(resolve, 200));
  }
  throw new Error(`${child.name} not ready at ${url} within ${timeoutMs} ms (${last}). Last log lines:\n${tailLog(child.logFile)}`);
}

// SIGTERM first so the app shuts down the way it would in production, SIGKILL if it overstays the grace.
export async function stopChild(child: ManagedChild, graceMs: number): Promise<void> {
  if (child.exitCode !== undefined) return;
  child.process.kill('SIGTERM');
  const timer = new Promise<boolean>((resolve) => setTimeout(() => resolve(false), graceMs).unref());
  const stopped = await Promise.race([child.exited.then(() => true), timer]);
  if (!stopped) {
    child.process.kill('SIGKILL');
    await child.exited;
  }
}

// Something else on the port would answer our readiness poll and be measured instead of our process.
export function assertPortFree(port: number): Promise<void> {
  return new Promise((resolve, reject) => {
    const probe = createServer();
    probe.once('error', () => reject(new Error(`port ${port} is in use; stop whatever listens there`)));
    probe.listen(port, '0.0.0.0', () => probe.close(() => resolve()));
  });
}

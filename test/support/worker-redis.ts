import { ChildProcess, spawn } from 'node:child_process';
import Redis from 'ioredis';
import { eventually } from './eventually';

// The redis-servers of jest workers 2 and 3 (the machine's Redis has too few databases for every slot's workers):
// started by global setup, stopped by global teardown, both in jest's parent process (no jest globals there).
const registry = globalThis as typeof globalThis & { workerRedises?: ChildProcess[] };

function client(port: number): Redis {
  const redis = new Redis({ port, host: '127.0.0.1', lazyConnect: true, maxRetriesPerRequest: 0, retryStrategy: () => null });
  redis.on('error', () => undefined); // a refused connection is an answer here: connect() rejects with it
  return redis;
}

async function answers(port: number): Promise<boolean> {
  const redis = client(port);
  try {
    await redis.connect();
    await redis.ping();
    return true;
  } catch {
    return false;
  } finally {
    redis.disconnect();
  }
}

export async function startWorkerRedis(port: number): Promise<void> {
  // A server left by a run that was killed before its teardown: the port is this slot's, so the server is too.
  if (await answers(port)) {
    const stale = client(port);
    await stale.connect();
    await stale.call('SHUTDOWN', 'NOSAVE').catch(() => undefined); // the connection closes as it goes
    stale.disconnect();
    await eventually(async () => {
      if (await answers(port)) throw new Error(`the stale redis-server on ${port} is still up`);
    });
  }
  const child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no'], { stdio: 'ignore' });
  // Not unref'd: global teardown awaits its exit, and an unref'd child would let jest's parent exit 0 right there,
  // before it writes the results.
  (registry.workerRedises ??= []).push(child);
  let exitCode: number | null | undefined;
  child.once('exit', (code) => (exitCode = code));
  await eventually(async () => {
    if (exitCode !== undefined) throw new Error(`redis-server on ${port} exited with ${exitCode}`);
    if (!(await answers(port))) throw new Error(`redis-server on ${port} not answering yet`);
  });
}

export async function stopWorkerRedises(): Promise<void> {
  const children = registry.workerRedises ?? [];
  registry.workerRedises = [];
  await Promise.all(
    children.map(async (child) => {
      if (child.exitCode !== null || child.signalCode !== null) return;
      const exited = new Promise((resolve) => child.once('exit', resolve));
      child.kill('SIGKILL');
      await exited;
    }),
  );
}

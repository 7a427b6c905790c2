import concurrently from 'concurrently';
import { Socket } from 'node:net';
import { Client } from 'pg';
import { z } from 'zod';
import { baseEnvSchema, DependencyUnavailableError, parseEnv, port, runApp } from '@app/common';

// `npm start`: checks the three services answer, makes sure the database exists, then runs every app in one
// terminal with prefixed logs and prints the gateway URL once all of them report ready.
const APPS = [
  { name: 'core', port: 'CORE_PORT', fallback: 3001, color: 'blue' },
  { name: 'gateway', port: 'PORT', fallback: 3000, color: 'green' },
  { name: 'indexer', port: 'INDEXER_PORT', fallback: 3002, color: 'magenta' },
  { name: 'scheduler', port: 'SCHEDULER_PORT', fallback: 3003, color: 'cyan' },
  { name: 'provider-sim', port: 'PROVIDER_SIM_PORT', fallback: 3004, color: 'yellow' },
] as const;
const READY_DEADLINE_MS = 60_000;

function reachable(url: string, name: string, defaultPort: number): Promise<void> {
  const { hostname, port } = new URL(url);
  return new Promise((resolve, reject) => {
    const socket = new Socket();
    const fail = (reason: string) => {
      socket.destroy();
      reject(new DependencyUnavailableError(name, url, new Error(`${reason}; start it, or point the variable at a running one`)));
    };
    socket.setTimeout(2000, () => fail('timed out'));
    socket.once('error', (error: NodeJS.ErrnoException) => fail(error.code ?? error.message));
    socket.connect(Number(port || defaultPort), hostname, () => {
      socket.end();
      resolve();
    });
  });
}

async function ensureDatabase(url: string): Promise<void> {
  const target = new URL(url);
  const database = decodeURIComponent(target.pathname.slice(1));
  const admin = new URL(url);
  admin.pathname = '/postgres';
  const client = new Client({ connectionString: admin.toString() });
  await client.connect();
  try {
    const { rowCount } = await client.query('SELECT 1 FROM pg_database WHERE datname = $1', [database]);
    if (!rowCount) {
      // Identifiers cannot be bound as parameters; quote it as an identifier instead.
      await client.query(`CREATE DATABASE "${database.replace(/"/g, '""')}"`);
      process.stdout.write(`created database ${database}\n`);
    }
  } finally {
    await client.end();
  }
}

async function waitReady(port: number, deadline: number): Promise<void> {
  while (Date.now() < deadline) {
    const ok = await fetch(`http://127.0.0.1:${port}/health/ready`).then(
      (r) => r.ok,
      () => false,
    );
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 250));
  }
  throw new Error(`the app on port ${port} did not become ready within ${READY_DEADLINE_MS / 1000}s`);
}

runApp('platform', async () => {
  const env = parseEnv(
    baseEnvSchema.extend({
      PORT: port(3000),
      CORE_PORT: port(3001),
      INDEXER_PORT: port(3002),
      SCHEDULER_PORT: port(3003),
      PROVIDER_SIM_PORT: port(3004),
      PROVIDER_URL: z.string().optional(),
    }),
  );
  // The scheduler syncs from the simulator started here unless PROVIDER_URL names another provider.
  const providerUrl = env.PROVIDER_URL ?? `http://127.0.0.1:${env.PROVIDER_SIM_PORT}/feed`;
  await reachable(env.DATABASE_URL, 'PostgreSQL', 5432);
  await reachable(env.REDIS_URL, 'Redis', 6379);
  await reachable(env.RABBITMQ_URL, 'RabbitMQ', 5672);
  await ensureDatabase(env.DATABASE_URL);

  const { result } = concurrently(
    APPS.map((app) => ({
      name: app.name,
      command: `node dist/apps/${app.name}/src/main.js`,
      prefixColor: app.color,
      ...(app.name === 'scheduler' ? { env: { PROVIDER_URL: providerUrl } } : {}),
    })),
    { prefix: 'name', killOthersOn: ['failure'], restartTries: 0 },
  );
  const ports = APPS.map((app) => env[app.port]);
  const deadline = Date.now() + READY_DEADLINE_MS;
  Promise.all(ports.map((port) => waitReady(port, deadline))).then(
    () => process.stdout.write(`\nplatform ready: gateway at http://127.0.0.1:${ports[1]}  (API /api/v1, docs /docs)\n\n`),
    (error: Error) => process.stderr.write(`\n${error.message}\n`),
  );
  await result.catch(() => process.exit(1));
});

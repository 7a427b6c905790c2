import { Client } from 'pg';
import { ApiClient, uniqueEmail } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { PG_HOST, TEST_DB, TEST_ENV } from '../support/test-env';

async function exitLine(app: AppProcess): Promise<{ code: number | null; fatal: string }> {
  const code = await app.exited;
  const fatal = app.logs().find((entry) => entry.level === 'fatal');
  return { code, fatal: typeof fatal?.message === 'string' ? fatal.message : app.lines.join('\n') };
}

// An empty database of its own for a test that starts core on one; drop() removes it again.
async function emptyDatabase(name: string): Promise<{ url: string; drop: () => Promise<void> }> {
  const admin = new Client({ connectionString: `postgres://postgres@${PG_HOST}:5432/postgres` });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${name}`);
  return {
    url: `postgres://postgres@${PG_HOST}:5432/${name}`,
    drop: async () => {
      await admin.query(`DROP DATABASE IF EXISTS ${name} WITH (FORCE)`);
      await admin.end();
    },
  };
}

describe('start-up and shutdown (e2e)', () => {
  it('should refuse to start with one message naming every bad variable', async () => {
    const gateway = new AppProcess('gateway', 3380, { RATE_LIMIT_USER_PER_HOUR: '-5', DATABASE_URL: 'mysql://nope', LOG_LEVEL: 'loud' });
    const { code, fatal } = await exitLine(gateway);
    expect(code).toBe(1);
    expect(fatal).toContain('gateway failed to start: Invalid configuration');
    for (const name of ['RATE_LIMIT_USER_PER_HOUR', 'DATABASE_URL', 'LOG_LEVEL']) expect(fatal).toContain(name);
    expect(gateway.logs().filter((entry) => entry.level === 'fatal')).toHaveLength(1);
  });

  it.each([
    ['Redis', { REDIS_URL: 'redis://127.0.0.1:6399' }, 'Redis is unreachable at redis://127.0.0.1:6399'],
    ['RabbitMQ', { RABBITMQ_URL: 'amqp://guest:guest@127.0.0.1:5699' }, 'RabbitMQ is unreachable at amqp://127.0.0.1:5699'],
    ['PostgreSQL', { DATABASE_URL: 'postgres://postgres@127.0.0.1:5499/x' }, 'PostgreSQL is unreachable at postgres://127.0.0.1:5499/x'],
  ])('should fail fast naming %s when it is unreachable', async (_name, env, message) => {
    const core = new AppProcess('core', 3381, env);
    const started = Date.now();
    const { code, fatal } = await exitLine(core);
    expect(code).toBe(1);
    expect(fatal).toContain(message);
    expect(Date.now() - started).toBeLessThan(15_000);
  });

  it('should run migrations exactly once when two core replicas start together on an empty database', async () => {
    const { url, drop } = await emptyDatabase(`${TEST_DB}_migrations`);
    const replicas = [new AppProcess('core', 3382, { DATABASE_URL: url }), new AppProcess('core', 3383, { DATABASE_URL: url })];
    try {
      await Promise.all(replicas.map((replica) => replica.ready()));
      const db = new Client({ connectionString: url });
      await db.connect();
      const { rows } = await db.query('SELECT name, count(*)::int AS runs FROM migrations GROUP BY name');
      const admins = await db.query(`SELECT count(*)::int AS n FROM users WHERE role = 'admin'`);
      await db.end();
      expect(rows.length).toBeGreaterThan(0);
      expect(rows.every((row) => row.runs === 1)).toBe(true);
      expect(admins.rows[0].n).toBe(1);
    } finally {
      await Promise.all(replicas.map((replica) => replica.stop()));
      await drop();
    }
  });

  it('should stop cleanly on SIGTERM', async () => {
    const indexer = await startApp('indexer', 3384);
    expect(await indexer.stop('SIGTERM')).toBe(0);
    expect(indexer.logs().some((entry) => String(entry.message).includes('shutting down'))).toBe(true);
  });
});

describe('start-up order (e2e)', () => {
  // Requests are already waiting on core.rpc when core starts on an empty database: none may be taken before the
  // migrations and the bootstrap admin are done. Each answer is correct, or a 504 for one that expired waiting.
  it('should answer requests queued while core starts on an empty database correctly or with 503/504, never 500', async () => {
    const { url, drop } = await emptyDatabase(`${TEST_DB}_startup_order`);
    // A long RPC timeout: requests wait out core's start-up in the queue instead of expiring there.
    const gateway = await startApp('gateway', 3387, { RPC_TIMEOUT_MS: '10000' });
    let core: AppProcess | undefined;
    try {
      const api = new ApiClient(gateway.url);
      const answers: Array<{ status: number; beforeReady: boolean; text: string }> = [];
      let ready = false;
      let stopAt = Number.POSITIVE_INFINITY;
      const login = () => api.post('/api/v1/auth/token', { username: TEST_ENV.ADMIN_EMAIL, password: TEST_ENV.ADMIN_PASSWORD });
      const load = (async () => {
        const inFlight: Array<Promise<void>> = [];
        while (Date.now() < stopAt) {
          const beforeReady = !ready;
          inFlight.push(login().then((r) => void answers.push({ status: r.status, beforeReady, text: r.text })));
          await new Promise((resolve) => setTimeout(resolve, 100));
        }
        await Promise.all(inFlight);
      })();
      core = new AppProcess('core', 3388, { DATABASE_URL: url });
      await core.ready();
      ready = true;
      stopAt = Date.now();
      await load;
      // Once ready, core answers (the backlog of expired requests is dropped, not worked through).
      await eventually(async () => expect((await login()).status).toBe(200), 20_000, 200);

      const unexpected = answers.filter((a) => ![200, 503, 504].includes(a.status));
      expect(unexpected).toEqual([]);
      // The window was really exercised: requests sent before core was ready were answered by it.
      expect(answers.filter((a) => a.beforeReady && a.status === 200).length).toBeGreaterThan(0);
    } finally {
      await Promise.all([gateway.stop(), core?.stop()]);
      await drop();
    }
  });
});

describe('graceful shutdown with work in flight (e2e)', () => {
  it('should finish the RPCs it already took when SIGTERM arrives, answer them, then exit 0', async () => {
    const core = await startApp('core', 3386);
    const gateway = await startApp('gateway', 3385);
    try {
      const api = new ApiClient(gateway.url);
      // Each signup hashes a password (tens of ms on the libuv pool), so a burst keeps core busy for a while.
      const emails = Array.from({ length: 12 }, () => uniqueEmail('drain'));
      const pending = emails.map((email) => api.post('/api/v1/auth/signup', { name: 'Drained', email, password: 'long-enough' }));
      await eventually(() => expect(core.logs().some((entry) => String(entry.message).startsWith('auth.signup handled'))).toBe(true), 10_000, 5);
      const exit = core.stop('SIGTERM');
      const responses = await Promise.all(pending);
      expect(await exit).toBe(0);
      const handled = core.logs().filter((entry) => String(entry.message).startsWith('auth.signup handled')).length;
      // Every request core took before the signal was answered; none was cut off mid-way.
      expect(responses.filter((r) => r.status === 201)).toHaveLength(handled);
      expect(responses.every((r) => r.status === 201 || r.status === 504)).toBe(true);
      expect(core.logs().some((entry) => String(entry.message).includes('draining'))).toBe(true);
    } finally {
      await Promise.all([gateway.stop(), core.stop()]);
    }
  });
});

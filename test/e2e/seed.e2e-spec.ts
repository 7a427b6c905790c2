import { execFileSync, spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { Client } from 'pg';
import { PG_HOST, TEST_ENV, TEST_SUFFIX } from '../support/test-env';

// `npm run seed` as a developer runs it, on a database and vhost of its own (its orders would otherwise shift
// the dashboard specs' days): what it makes, that a second run changes nothing, and that production is refused.
const DB = `plans_platform_seed${TEST_SUFFIX}`;
const VHOST = `plans_seed${TEST_SUFFIX}`;
const ENV = {
  ...TEST_ENV,
  NODE_ENV: 'development',
  DATABASE_URL: `postgres://postgres@${PG_HOST}:5432/${DB}`,
  RABBITMQ_URL: `amqp://guest:guest@127.0.0.1:5672/${VHOST}`,
};
const SEED = join(__dirname, '..', '..', 'dist', 'scripts', 'seed.js');

function rabbitmqctl(...args: string[]): void {
  execFileSync('rabbitmqctl', ['-q', ...args], { stdio: 'pipe' });
}

function runSeed(env: Record<string, string> = {}): { status: number | null; stdout: string; stderr: string } {
  const run = spawnSync(process.execPath, [SEED], { env: { PATH: process.env.PATH ?? '', ...ENV, ...env }, encoding: 'utf8', timeout: 120_000 });
  return { status: run.status, stdout: run.stdout, stderr: run.stderr };
}

function countsOf(stdout: string): Record<string, number> {
  return JSON.parse(stdout.split('\n').find((line) => line.startsWith('{'))!) as Record<string, number>;
}

describe('npm run seed (e2e)', () => {
  let db: Client;

  beforeAll(async () => {
    const admin = new Client({ connectionString: `postgres://postgres@${PG_HOST}:5432/postgres` });
    await admin.connect();
    await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
    await admin.query(`CREATE DATABASE ${DB}`);
    await admin.end();
    try {
      rabbitmqctl('delete_vhost', VHOST);
    } catch {
      // absent
    }
    rabbitmqctl('add_vhost', VHOST);
    rabbitmqctl('set_permissions', '-p', VHOST, 'guest', '.*', '.*', '.*');
    db = new Client({ connectionString: ENV.DATABASE_URL });
    await db.connect();
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    rabbitmqctl('delete_vhost', VHOST);
  });

  it('should refuse to run with NODE_ENV=production and write nothing', async () => {
    const run = runSeed({ NODE_ENV: 'production' });
    expect(run.status).toBe(1);
    expect(run.stderr).toContain('refuses to run with NODE_ENV=production');
    // not even migrated
    expect((await db.query(`SELECT 1 FROM information_schema.tables WHERE table_schema = 'public'`)).rowCount).toBe(0);
  });

  it('should create an account per role, plans, about 90 days of shaped orders and content, refresh the view and print the accounts', async () => {
    const run = runSeed();
    expect(run.stderr).toBe('');
    expect(run.status).toBe(0);
    const counts = countsOf(run.stdout);
    expect(counts).toMatchObject({ usersCreated: 4, plansCreated: 3, contentCreated: 4, viewRefreshed: 1 });
    expect(counts.ordersCreated).toBe(counts.ordersInSeed);
    for (const email of ['admin@seed.example.test', 'user@seed.example.test', 'readonly@seed.example.test']) expect(run.stdout).toContain(email);

    const roles = await db.query<{ role: string }>(`SELECT DISTINCT role FROM users WHERE email LIKE '%@seed.example.test' ORDER BY role`);
    expect(roles.rows.map((row) => row.role)).toEqual(['admin', 'readonly', 'user']);
    const authors = await db.query<{ authors: string }>(`SELECT count(DISTINCT author_id)::text AS authors FROM content_items`);
    expect(Number(authors.rows[0].authors)).toBeGreaterThanOrEqual(3);
    expect((await db.query(`SELECT 1 FROM plans`)).rowCount).toBe(3);

    // 90 days, each with orders, weekdays busier than weekends, and the view holding the same days and totals.
    const days = await db.query<{ day: string; orders: string; revenue: string; weekend: boolean }>(
      `SELECT (created_at AT TIME ZONE 'UTC')::date::text AS day, count(*)::text AS orders, sum(amount)::text AS revenue,
              extract(isodow FROM (created_at AT TIME ZONE 'UTC')::date) >= 6 AS weekend
         FROM orders GROUP BY 1, 4 ORDER BY 1`,
    );
    expect(days.rows).toHaveLength(90);
    const average = (weekend: boolean) => {
      const rows = days.rows.filter((row) => row.weekend === weekend);
      return rows.reduce((sum, row) => sum + Number(row.orders), 0) / rows.length;
    };
    expect(average(false)).toBeGreaterThan(average(true) * 1.2);
    const view = await db.query<{ day: string; revenue: string; orders: string }>(
      `SELECT sale_date::text AS day, total_revenue::text AS revenue, order_count::text AS orders FROM daily_sales_mv ORDER BY sale_date`,
    );
    expect(view.rows.map((row) => [row.day, Number(row.revenue), Number(row.orders)])).toEqual(
      days.rows.map((row) => [row.day, Number(row.revenue), Number(row.orders)]),
    );
  });

  it('should change nothing when run a second time', async () => {
    const snapshot = async () =>
      (
        await db.query<{ snapshot: string }>(
          `SELECT concat_ws('|', (SELECT count(*) FROM users), (SELECT count(*) FROM plans), (SELECT count(*) FROM content_items),
                  (SELECT count(*) FROM orders), (SELECT sum(amount) FROM orders), (SELECT count(*) FROM outbox)) AS snapshot`,
        )
      ).rows[0].snapshot;
    const before = await snapshot();
    const run = runSeed();
    expect(run.status).toBe(0);
    expect(countsOf(run.stdout)).toMatchObject({ usersCreated: 0, plansCreated: 0, contentCreated: 0, ordersCreated: 0, viewRefreshed: 0 });
    expect(await snapshot()).toBe(before);
  });
});

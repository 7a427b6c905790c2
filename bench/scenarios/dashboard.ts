import { call, expectStatus } from '../http.util';
import type { Section } from '../results.util';
import type { BenchModule, BenchUser, Harness } from '../scenario.types';

// The sales dashboard (issues 8 and 20), in the one harness: the orders table filled to BENCH_DASHBOARD_ORDERS
// rows spread over the last year, the view refreshed (from empty, unchanged, after 10k new orders today) through
// POST /admin/refresh, its answer checked against the orders table, then GET /dashboard/sales?days=30 through the
// gateway at 1 and at 10 connections, project only: the targets are absolute (p99 < 5 ms and < 10 ms).
const DAYS = 365; // so days=30 reads 30 rows of a 365-row view
const TODAY_ORDERS = 10_000;
const READ_PATH = '/api/v1/dashboard/sales?days=30';
const TARGETS = [
  { key: 'dashboard', connections: 1, maxP99Ms: 5 },
  { key: 'dashboard-10', connections: 10, maxP99Ms: 10 },
];

interface Refresh {
  label: string;
  durationMs: number;
  callMs: number;
}

// Rows spread over the last `days` UTC days, amounts 0.01..100.00, in one statement.
async function seed(harness: Harness, count: number, offset: number, days: number): Promise<number> {
  const started = performance.now();
  await harness.db.query(
    `INSERT INTO orders (id, user_id, product_name, amount, currency, request_hash, created_at)
     SELECT gen_random_uuid(), '00000000-0000-4000-8000-000000000001', 'bench order ' || i, ((i % 10000) + 1) / 100.0, 'USD',
            md5(i::text) || md5(i::text),
            now() - ((i % $2) || ' days')::interval - ((i % 86400) || ' seconds')::interval
       FROM generate_series($3::int + 1, $3::int + $1::int) AS i`,
    [count, days, offset],
  );
  await harness.db.query('ANALYZE orders');
  return performance.now() - started;
}

async function logInAdmin(harness: Harness): Promise<BenchUser> {
  const token = await call('POST', `${harness.gatewayUrl}/api/v1/auth/token`, {}, { username: harness.admin.email, password: harness.admin.password });
  expectStatus('admin token', token, 200);
  const accessToken = (token.body as { access_token: string }).access_token;
  const me = await call('GET', `${harness.gatewayUrl}/api/v1/users/me`, { authorization: `Bearer ${accessToken}` });
  expectStatus('admin users/me', me, 200);
  return { id: (me.body as { id: string }).id, accessToken };
}

// The dashboard's days must be the orders' own totals, computed straight from the table.
async function assertMatchesOrders(harness: Harness, admin: BenchUser): Promise<number> {
  const answer = await call('GET', `${harness.gatewayUrl}${READ_PATH}`, { authorization: `Bearer ${admin.accessToken}` });
  expectStatus('dashboard read', answer, 200);
  const { rows } = await harness.db.query<{ sale_date: string; total_revenue: string; order_count: string }>(
    `SELECT to_char((created_at AT TIME ZONE 'UTC')::date, 'YYYY-MM-DD') AS sale_date, sum(amount)::text AS total_revenue, count(*)::text AS order_count
       FROM orders WHERE (created_at AT TIME ZONE 'UTC')::date > (now() AT TIME ZONE 'UTC')::date - 30
      GROUP BY 1 ORDER BY 1 DESC`,
  );
  const expected = rows.map((row) => ({ sale_date: row.sale_date, total_revenue: Number(row.total_revenue), order_count: Number(row.order_count) }));
  if (JSON.stringify((answer.body as { data: unknown }).data) !== JSON.stringify(expected)) throw new Error('the dashboard does not match the orders table');
  return expected.length;
}

export function dashboardModule(harness: Harness): BenchModule {
  const refreshes: Refresh[] = [];
  let seeded = { orders: 0, seconds: 0 };
  let admin: BenchUser | undefined;
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      admin = await logInAdmin(harness);
      const auth = { authorization: `Bearer ${admin.accessToken}` };
      const refresh = async (label: string) => {
        const started = performance.now();
        const reply = await call('POST', `${harness.gatewayUrl}/api/v1/admin/refresh`, auth);
        expectStatus(`refresh (${label})`, reply, 200);
        refreshes.push({ label, durationMs: (reply.body as { duration_ms: number }).duration_ms, callMs: performance.now() - started });
        harness.log(`  refresh (${label}): ${refreshes.at(-1)!.durationMs} ms`);
      };
      // Whatever other scenarios stored (POST /orders, the drain) counts towards the total.
      const { rows } = await harness.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders');
      const missing = Math.max(0, harness.settings.dashboardOrders - rows[0].n);
      harness.log(`dashboard: ${rows[0].n} orders stored, seeding ${missing} more over ${DAYS} days`);
      seeded = { orders: harness.settings.dashboardOrders, seconds: (await seed(harness, missing, 0, DAYS)) / 1000 };
      await refresh(`first, ${harness.settings.dashboardOrders} orders (view from empty)`);
      await refresh('again, no change');
      await seed(harness, TODAY_ORDERS, missing, 1);
      await refresh(`after ${TODAY_ORDERS} new orders today`);
      const days = await assertMatchesOrders(harness, admin);
      harness.log(`  GET ${READ_PATH}: ${days} days, matching the orders table`);
    })());
  return {
    scenarios: TARGETS.map(({ key, connections, maxP99Ms }) => ({
      key,
      name: `GET dashboard/sales?days=30 (admin, ${connections} conn${connections > 1 ? 's' : ''})`,
      kind: 'read' as const,
      method: 'GET' as const,
      path: READ_PATH,
      get headers() {
        return { authorization: `Bearer ${admin?.accessToken ?? ''}` };
      },
      expectStatus: 200,
      floor: false,
      connections,
      maxP99Ms,
      prepare,
      // The admin's principal is refilled before each round, like the bench user's: no round straddles its expiry.
      beforeRound: async () => harness.primePrincipal(admin!),
    })),
    summary: () => [],
    sections: (): Section[] =>
      refreshes.length === 0
        ? []
        : [
            {
              title: `Dashboard refresh (REFRESH MATERIALIZED VIEW CONCURRENTLY through POST /admin/refresh; ${seeded.orders} orders over ${DAYS} days seeded in ${seeded.seconds.toFixed(1)} s)`,
              columns: ['refresh', 'duration_ms', 'call ms'],
              body: refreshes.map((refresh) => [refresh.label, String(refresh.durationMs), refresh.callMs.toFixed(0)]),
              textColumns: 1,
            },
          ],
  };
}

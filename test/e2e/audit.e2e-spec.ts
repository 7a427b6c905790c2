import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient, ApiResponse, expectErrorEnvelope, loginAdmin, signupAndLogin, uniqueEmail } from '../support/api-client';
import { startApp } from '../support/app-process';
import { createContent } from '../support/content';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { makePlan } from '../support/plans';
import { TEST_ENV } from '../support/test-env';

interface AuditEvent {
  id: string;
  at: string;
  action: string;
  outcome: 'success' | 'failure';
  actor: { id: string; role: string | null } | null;
  target: { type: string; id: string } | null;
  request_id: string | null;
  ip: string | null;
  details: Record<string, unknown>;
}

const CORE_PORT = 3601;

describe('audit log (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let admin: { accessToken: string };
  let adminId: string;
  let db: Client;

  // The events one request caused, oldest first, as GET /admin/audit lists them.
  const eventsOf = async (response: ApiResponse): Promise<AuditEvent[]> => {
    const requestId = response.headers.get('x-request-id')!;
    const page = await api.get(`/api/v1/admin/audit?request_id=${encodeURIComponent(requestId)}&order=asc&page_size=100`, { token: admin.accessToken });
    expect(page.status).toBe(200);
    return page.body.data as AuditEvent[];
  };
  const summary = (events: AuditEvent[]) => events.map((event) => `${event.action}:${event.outcome}`);

  beforeAll(async () => {
    platform = await startPlatform(3600, ['core', 'gateway']);
    api = platform.api;
    admin = await loginAdmin(api);
    adminId = (await api.get('/api/v1/users/me', { token: admin.accessToken })).body.id;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
  });
  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  it('should record every authentication attempt with its outcome and reason, the request id and the client IP, and never a password or token', async () => {
    const user = await signupAndLogin(api);
    const wrong = await api.post('/api/v1/auth/token', { username: user.email, password: 'not-the-password' });
    const unknown = await api.post('/api/v1/auth/token', { username: uniqueEmail('nobody'), password: 'whatever-123' });
    const good = await api.post('/api/v1/auth/token', { username: user.email, password: user.password });
    const refreshed = await api.post('/api/v1/auth/refresh', { refresh_token: good.body.refresh_token });
    const replayed = await api.post('/api/v1/auth/refresh', { refresh_token: good.body.refresh_token });
    const garbage = await api.post('/api/v1/auth/refresh', { refresh_token: 'x'.repeat(40) });
    const logout = await api.post('/api/v1/auth/logout', { refresh_token: user.refreshToken }, { token: user.accessToken });
    expect([wrong.status, unknown.status, good.status, refreshed.status, replayed.status, garbage.status, logout.status]).toEqual([401, 401, 200, 200, 401, 401, 204]);

    const wrongEvents = await eventsOf(wrong);
    expect(wrongEvents).toEqual([
      expect.objectContaining({
        action: 'auth.login',
        outcome: 'failure',
        actor: { id: user.id, role: 'user' },
        target: { type: 'user', id: user.id },
        request_id: wrong.headers.get('x-request-id'),
        ip: expect.stringMatching(/127\.0\.0\.1$/),
        details: { reason: 'wrong_password' },
      }),
    ]);
    expect(await eventsOf(unknown)).toEqual([expect.objectContaining({ action: 'auth.login', outcome: 'failure', actor: null, details: { reason: 'unknown_user' } })]);
    expect(await eventsOf(good)).toEqual([expect.objectContaining({ action: 'auth.login', outcome: 'success', actor: { id: user.id, role: 'user' } })]);
    expect(summary(await eventsOf(refreshed))).toEqual(['auth.refresh:success']);
    expect(await eventsOf(replayed)).toEqual([
      expect.objectContaining({ action: 'auth.refresh', outcome: 'failure', target: { type: 'user', id: user.id }, details: { reason: 'reused_token_family_revoked' } }),
    ]);
    expect(await eventsOf(garbage)).toEqual([expect.objectContaining({ action: 'auth.refresh', outcome: 'failure', details: { reason: 'invalid_token' } })]);
    expect(await eventsOf(logout)).toEqual([expect.objectContaining({ action: 'auth.logout', outcome: 'success', actor: { id: user.id, role: null } })]);

    // Nothing secret or personal in any of them.
    const { rows } = await db.query<{ text: string }>(`SELECT row_to_json(a)::text AS text FROM audit_events a WHERE actor_id = $1 OR target_id = $2`, [
      user.id,
      user.id,
    ]);
    expect(rows.length).toBeGreaterThanOrEqual(6);
    for (const secret of [user.password, 'not-the-password', good.body.refresh_token, good.body.access_token, user.email]) {
      expect(rows.filter((row) => row.text.includes(secret))).toEqual([]);
    }
  });

  it('should record plan, content and user changes with the actor and target, in the order they happened', async () => {
    const plan = makePlan();
    const created = await api.post('/api/v1/plans', plan, { token: admin.accessToken });
    const replaced = await api.put(
      `/api/v1/plans/${plan.objectId}`,
      { ...plan, planType: 'inNetwork' },
      { token: admin.accessToken, headers: { 'if-match': created.headers.get('etag')! } },
    );
    const removed = await api.delete(`/api/v1/plans/${plan.objectId}`, { token: admin.accessToken });
    expect([created.status, replaced.status, removed.status]).toEqual([201, 200, 204]);
    const planTarget = { type: 'plan', id: plan.objectId };
    expect(await eventsOf(created)).toEqual([expect.objectContaining({ action: 'plan.created', actor: { id: adminId, role: 'admin' }, target: planTarget })]);
    expect(summary(await eventsOf(replaced))).toEqual(['plan.updated:success']);
    expect(summary(await eventsOf(removed))).toEqual(['plan.deleted:success']);
    const history = await api.get(`/api/v1/admin/audit?target_type=plan&target_id=${plan.objectId}`, { token: admin.accessToken });
    expect(history.body.data.map((event: AuditEvent) => event.action)).toEqual(['plan.deleted', 'plan.updated', 'plan.created']);
    expect(history.body.meta).toEqual({ page: 1, page_size: 20, total_count: 3, total_pages: 1 });

    const author = await signupAndLogin(api);
    const item = await createContent(api, author.accessToken);
    const edited = await api.put(`/api/v1/content/${item.body.id}`, { title: 'A new title', content: 'Long enough content body.' }, { token: author.accessToken });
    const dropped = await api.delete(`/api/v1/content/${item.body.id}`, { token: admin.accessToken });
    expect(await eventsOf(item)).toEqual([
      expect.objectContaining({ action: 'content.created', actor: { id: author.id, role: 'user' }, target: { type: 'content', id: item.body.id } }),
    ]);
    expect(summary(await eventsOf(edited))).toEqual(['content.updated:success']);
    expect(await eventsOf(dropped)).toEqual([expect.objectContaining({ action: 'content.deleted', actor: { id: adminId, role: 'admin' } })]);

    const made = await api.post('/api/v1/users', { name: 'Audited User', email: uniqueEmail('audited'), password: 'audited-pass-1' }, { token: admin.accessToken });
    const promoted = await api.put(`/api/v1/users/${made.body.id}`, { name: 'Audited User', email: made.body.email, role: 'readonly' }, { token: admin.accessToken });
    const deleted = await api.delete(`/api/v1/users/${made.body.id}`, { token: admin.accessToken });
    const erased = await api.post(`/api/v1/admin/users/${made.body.id}/erase`, undefined, { token: admin.accessToken });
    expect([made.status, promoted.status, deleted.status, erased.status]).toEqual([201, 200, 204, 204]);
    const userTarget = { type: 'user', id: made.body.id };
    expect(await eventsOf(made)).toEqual([
      expect.objectContaining({ action: 'user.created', actor: { id: adminId, role: 'admin' }, target: userTarget, details: { via: 'admin', role: 'user' } }),
    ]);
    expect(await eventsOf(promoted)).toEqual([
      expect.objectContaining({ action: 'user.updated', details: { fields: [] } }),
      expect.objectContaining({ action: 'user.role_changed', target: userTarget, details: { from: 'user', to: 'readonly' } }),
    ]);
    expect(summary(await eventsOf(deleted))).toEqual(['user.deleted:success']);
    expect(await eventsOf(erased)).toEqual([expect.objectContaining({ action: 'user.erased', actor: { id: adminId, role: 'admin' }, details: { trigger: 'admin' } })]);
  });

  it('should record one event per order of a bulk, with the request id and IP of the request that placed it', async () => {
    const user = await signupAndLogin(api);
    const bulk = await api.post(
      '/api/v1/orders/bulk',
      { orders: [1, 2, 3].map((n) => ({ product_name: `Audited ${n}`, amount: n + 0.5 })) },
      { token: user.accessToken },
    );
    expect(bulk.status).toBe(202);

    const events = await eventually(async () => {
      const found = await eventsOf(bulk);
      expect(found).toHaveLength(3);
      return found;
    });
    expect(events.map((event) => event.target?.id).sort()).toEqual([...(bulk.body.ids as string[])].sort());
    for (const event of events) {
      expect(event).toMatchObject({ action: 'order.created', outcome: 'success', actor: { id: user.id }, ip: expect.stringMatching(/127\.0\.0\.1$/) });
    }
  });

  it('should record admin actions with the admin who asked', async () => {
    const refresh = await api.post('/api/v1/admin/refresh', undefined, { token: admin.accessToken });
    const reindex = await api.post('/api/v1/admin/reindex', { target: 'content' }, { token: admin.accessToken });
    const replay = await api.post('/api/v1/admin/dead-letters/replay', { ids: [randomUUID()] }, { token: admin.accessToken });
    expect([refresh.status, reindex.status, replay.status]).toEqual([200, 202, 200]);

    const byAdmin = expect.objectContaining({ actor: { id: adminId, role: 'admin' } });
    expect(await eventsOf(refresh)).toEqual([expect.objectContaining({ action: 'sales_view.refreshed', target: { type: 'sales_view', id: 'daily_sales_mv' } })]);
    expect(await eventsOf(refresh)).toEqual([byAdmin]);
    expect(await eventsOf(reindex)).toEqual([
      expect.objectContaining({ action: 'search_index.reindex_started', target: { type: 'reindex_run', id: reindex.body.id }, details: { target: 'content' } }),
    ]);
    expect(await eventsOf(reindex)).toEqual([byAdmin]);
    expect(await eventsOf(replay)).toEqual([expect.objectContaining({ action: 'dead_letters.replayed', details: expect.objectContaining({ replayed: 0, matched: 0 }) })]);
    expect(await eventsOf(replay)).toEqual([byAdmin]);
  });

  it('should answer 400, 401 and 403 in the error envelope for bad filters and callers', async () => {
    const user = await signupAndLogin(api);
    for (const query of ['outcome=maybe', 'page_size=101', 'actor_id=not-a-uuid', 'from=yesterday', 'action=DROP%20TABLE', 'sort_by=ip', 'unknown=1', 'request_id=%20']) {
      expectErrorEnvelope(await api.get(`/api/v1/admin/audit?${query}`, { token: admin.accessToken }), 400, 'VALIDATION_ERROR');
    }
    expectErrorEnvelope(await api.get('/api/v1/admin/audit', { token: user.accessToken }), 403, 'FORBIDDEN');
    const anonymous = await api.get('/api/v1/admin/audit');
    expect(anonymous.status).toBe(401);
    expect(anonymous.headers.get('www-authenticate')).toMatch(/^Bearer/);
  });

  it('should leave neither the change nor its audit event when core dies between them and the commit', async () => {
    await platform.apps.core!.stop();
    const doomed = await startApp('core', CORE_PORT, { TEST_CRASH_BEFORE_COMMIT_OF: 'plan.created' });
    try {
      const plan = makePlan();
      const response = await api.post('/api/v1/plans', plan, { token: admin.accessToken });
      expect([503, 504]).toContain(response.status);
      await expect(doomed.exited).resolves.toBeNull(); // killed by SIGKILL, no exit code

      const requestId = response.headers.get('x-request-id');
      const planRows = await db.query('SELECT 1 FROM plans WHERE object_id = $1', [plan.objectId]);
      const auditRows = await db.query('SELECT 1 FROM audit_events WHERE request_id = $1', [requestId]);
      expect({ plans: planRows.rowCount, audit: auditRows.rowCount }).toEqual({ plans: 0, audit: 0 });
    } finally {
      await doomed.stop('SIGKILL');
      platform.apps.core = await startApp('core', CORE_PORT);
    }
    // The same request against a healthy core writes both.
    const plan = makePlan();
    const created = await api.post('/api/v1/plans', plan, { token: admin.accessToken });
    expect(created.status).toBe(201);
    expect(summary(await eventsOf(created))).toEqual(['plan.created:success']);
  });
});

import { ApiClient, expectErrorEnvelope, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { Platform, startPlatform } from '../support/platform';

describe('users and roles (e2e through the gateway)', () => {
  let platform: Platform;
  let api: ApiClient;
  let admin: { accessToken: string };
  let user: TestUser;
  let other: TestUser;
  let readonly: { id: string; accessToken: string };

  beforeAll(async () => {
    platform = await startPlatform(3310);
    api = platform.api;
    admin = await loginAdmin(api);
    user = await signupAndLogin(api);
    other = await signupAndLogin(api);
    const email = uniqueEmail('ro');
    const created = await api.post('/api/v1/users', { name: 'Read Only', email, password: 'readonly-pass', role: 'readonly' }, { token: admin.accessToken });
    expect(created.status).toBe(201);
    const token = await api.post('/api/v1/auth/token', { username: email, password: 'readonly-pass' });
    readonly = { id: created.body.id, accessToken: token.body.access_token };
  });
  afterAll(() => platform?.stop());

  describe('role boundaries', () => {
    it('should let only admin list users', async () => {
      expect((await api.get('/api/v1/users', { token: admin.accessToken })).status).toBe(200);
      expectErrorEnvelope(await api.get('/api/v1/users', { token: user.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.get('/api/v1/users', { token: readonly.accessToken }), 403, 'FORBIDDEN');
    });

    it('should let only admin create users, with a role', async () => {
      const body = { name: 'Made By Admin', email: uniqueEmail(), password: 'long-enough', role: 'admin' };
      expectErrorEnvelope(await api.post('/api/v1/users', body, { token: user.accessToken }), 403, 'FORBIDDEN');
      const res = await api.post('/api/v1/users', body, { token: admin.accessToken });
      expect(res.status).toBe(201);
      expect(res.body.role).toBe('admin');
    });

    it('should let only admin delete users', async () => {
      expectErrorEnvelope(await api.delete(`/api/v1/users/${other.id}`, { token: user.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.delete(`/api/v1/users/${other.id}`, { token: readonly.accessToken }), 403, 'FORBIDDEN');
    });

    it('should let readonly read but not write, even its own profile', async () => {
      expect((await api.get('/api/v1/users/me', { token: readonly.accessToken })).status).toBe(200);
      expect((await api.get(`/api/v1/users/${readonly.id}`, { token: readonly.accessToken })).status).toBe(200);
      const res = await api.put(`/api/v1/users/${readonly.id}`, { name: 'Renamed', email: uniqueEmail() }, { token: readonly.accessToken });
      expectErrorEnvelope(res, 403, 'FORBIDDEN');
    });

    it('should let a user read themself but not someone else (403)', async () => {
      const own = await api.get(`/api/v1/users/${user.id}`, { token: user.accessToken });
      expect(own.status).toBe(200);
      expect(own.body).toMatchObject({ id: user.id, contents: [] });
      expectErrorEnvelope(await api.get(`/api/v1/users/${other.id}`, { token: user.accessToken }), 403, 'FORBIDDEN');
      expect((await api.get(`/api/v1/users/${other.id}`, { token: admin.accessToken })).status).toBe(200);
    });

    it('should let a user update their own profile but not their role', async () => {
      const newEmail = uniqueEmail();
      const ok = await api.put(`/api/v1/users/${user.id}`, { name: 'Renamed User', email: newEmail, country: 'ES' }, { token: user.accessToken });
      expect(ok.status).toBe(200);
      expect(ok.body).toMatchObject({ name: 'Renamed User', email: newEmail, country: 'ES', role: 'user' });
      const me = await api.get('/api/v1/users/me', { token: user.accessToken });
      expect(me.body.name).toBe('Renamed User');
      const escalate = await api.put(`/api/v1/users/${user.id}`, { name: 'Renamed User', email: newEmail, role: 'admin' }, { token: user.accessToken });
      expectErrorEnvelope(escalate, 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.put(`/api/v1/users/${other.id}`, { name: 'X Y', email: uniqueEmail() }, { token: user.accessToken }), 403, 'FORBIDDEN');
      user.email = newEmail;
    });

    it('should apply a role change by admin to the very next request', async () => {
      const promoted = await signupAndLogin(api);
      expect((await api.get('/api/v1/users', { token: promoted.accessToken })).status).toBe(403);
      const me = (await api.get('/api/v1/users/me', { token: promoted.accessToken })).body;
      const res = await api.put(`/api/v1/users/${promoted.id}`, { name: me.name, email: me.email, role: 'admin' }, { token: admin.accessToken });
      expect(res.status).toBe(200);
      expect((await api.get('/api/v1/users', { token: promoted.accessToken })).status).toBe(200);
    });
  });

  describe('validation and not found', () => {
    it('should answer 400 for an id that is not a UUID and 404 for an unknown one', async () => {
      expectErrorEnvelope(await api.get('/api/v1/users/not-a-uuid', { token: admin.accessToken }), 400, 'VALIDATION_ERROR');
      expectErrorEnvelope(await api.get('/api/v1/users/00000000-0000-4000-8000-000000000000', { token: admin.accessToken }), 404, 'NOT_FOUND');
      expectErrorEnvelope(await api.delete('/api/v1/users/00000000-0000-4000-8000-000000000000', { token: admin.accessToken }), 404, 'NOT_FOUND');
    });

    it('should answer 409 when an update takes an email already in use', async () => {
      const me = (await api.get('/api/v1/users/me', { token: other.accessToken })).body;
      const res = await api.put(`/api/v1/users/${other.id}`, { name: me.name, email: user.email }, { token: other.accessToken });
      expectErrorEnvelope(res, 409, 'EMAIL_TAKEN');
    });
  });

  describe('pagination', () => {
    beforeAll(async () => {
      for (const name of ['Zed Last', 'Aaron First']) {
        await api.post('/api/v1/users', { name, email: uniqueEmail(), password: 'long-enough' }, { token: admin.accessToken });
      }
    });

    it('should return data with meta and honour page_size', async () => {
      const res = await api.get('/api/v1/users?page=1&page_size=2', { token: admin.accessToken });
      expect(res.status).toBe(200);
      expect(res.body.data).toHaveLength(2);
      expect(res.body.meta).toEqual({ page: 1, page_size: 2, total_count: expect.any(Number), total_pages: Math.ceil(res.body.meta.total_count / 2) });
      expect(res.body.meta.total_count).toBeGreaterThanOrEqual(6);
    });

    it('should sort by name ascending and descending', async () => {
      const asc = await api.get('/api/v1/users?sort_by=name&order=asc&page_size=100', { token: admin.accessToken });
      const names: string[] = asc.body.data.map((u: { name: string }) => u.name);
      expect(names.indexOf('Aaron First')).toBeLessThan(names.indexOf('Zed Last'));
      expect(names.indexOf('Aaron First')).toBeGreaterThanOrEqual(0);
      const desc = await api.get('/api/v1/users?sort_by=name&order=desc&page_size=100', { token: admin.accessToken });
      expect(desc.body.data.map((u: { name: string }) => u.name)).toEqual([...names].reverse());
    });

    it('should page without overlap', async () => {
      const first = await api.get('/api/v1/users?page=1&page_size=2&sort_by=email&order=asc', { token: admin.accessToken });
      const second = await api.get('/api/v1/users?page=2&page_size=2&sort_by=email&order=asc', { token: admin.accessToken });
      const ids = [...first.body.data, ...second.body.data].map((u: { id: string }) => u.id);
      expect(new Set(ids).size).toBe(4);
    });

    it.each([['page=0'], ['page=-1'], ['page=abc'], ['page_size=0'], ['page_size=101'], ['page_size=2.5'], ['sort_by=password_hash'], ['order=sideways'], ['unknown=1']])(
      'should reject %s with 400 instead of clamping',
      async (query) => {
        expectErrorEnvelope(await api.get(`/api/v1/users?${query}`, { token: admin.accessToken }), 400, 'VALIDATION_ERROR');
      },
    );
  });
});

import { ApiClient, expectErrorEnvelope, login, loginAdmin, signupAndLogin, uniqueEmail } from '../support/api-client';
import { Platform, startPlatform } from '../support/platform';
import { foreignPrivateKey, platformPrivateKey, signAccessToken, unsignedToken } from '../support/tokens';

describe('auth (e2e through the gateway)', () => {
  let platform: Platform;
  let api: ApiClient;

  beforeAll(async () => {
    platform = await startPlatform(3300);
    api = platform.api;
  });
  afterAll(() => platform?.stop());

  describe('signup', () => {
    it('should create a user with role user and no password hash when the body is valid', async () => {
      const email = uniqueEmail();
      const res = await api.post('/api/v1/auth/signup', { name: 'Grace Hopper', email, password: 'long-enough', phone_number: '+14155550100', country: 'US' });
      expect(res.status).toBe(201);
      expect(res.body).toMatchObject({ name: 'Grace Hopper', email, role: 'user', phone_number: '+14155550100', country: 'US' });
      expect(JSON.stringify(res.body)).not.toMatch(/password|argon/i);
    });

    it('should list every invalid field when name, email, phone and password are all bad', async () => {
      const res = await api.post('/api/v1/auth/signup', { name: '12345', email: 'not-an-email', password: 'short', phone_number: '555-1234' });
      const error = expectErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      const fields = error.details.errors.map((e: { field: string }) => e.field).sort();
      expect(fields).toEqual(['email', 'name', 'password', 'phone_number']);
    });

    it('should reject unknown fields instead of ignoring them', async () => {
      const res = await api.post('/api/v1/auth/signup', { name: 'Eve', email: uniqueEmail(), password: 'long-enough', role: 'admin' });
      const error = expectErrorEnvelope(res, 400, 'VALIDATION_ERROR');
      expect(JSON.stringify(error.details)).toContain('role');
    });

    it('should answer 409 EMAIL_TAKEN for a duplicate email, whatever its case', async () => {
      const email = uniqueEmail();
      expect((await api.post('/api/v1/auth/signup', { name: 'First', email, password: 'long-enough' })).status).toBe(201);
      const res = await api.post('/api/v1/auth/signup', { name: 'Second', email: email.toUpperCase(), password: 'long-enough' });
      expectErrorEnvelope(res, 409, 'EMAIL_TAKEN');
    });

    it('should answer 409 PHONE_TAKEN for a duplicate phone number', async () => {
      const phone = `+1415${Math.floor(1_000_000 + Math.random() * 8_999_999)}`;
      expect((await api.post('/api/v1/auth/signup', { name: 'First', email: uniqueEmail(), password: 'long-enough', phone_number: phone })).status).toBe(201);
      const res = await api.post('/api/v1/auth/signup', { name: 'Second', email: uniqueEmail(), password: 'long-enough', phone_number: phone });
      expectErrorEnvelope(res, 409, 'PHONE_TAKEN');
    });
  });

  describe('token', () => {
    it('should issue a bearer pair that works on /users/me', async () => {
      const user = await signupAndLogin(api);
      const me = await api.get('/api/v1/users/me', { token: user.accessToken });
      expect(me.status).toBe(200);
      expect(me.body.id).toBe(user.id);
    });

    it('should give the same 401 INVALID_CREDENTIALS for a wrong password and an unknown user', async () => {
      const user = await signupAndLogin(api);
      const wrong = await api.post('/api/v1/auth/token', { username: user.email, password: 'not-the-password' });
      const unknown = await api.post('/api/v1/auth/token', { username: uniqueEmail(), password: 'whatever-1' });
      expectErrorEnvelope(wrong, 401, 'INVALID_CREDENTIALS');
      expectErrorEnvelope(unknown, 401, 'INVALID_CREDENTIALS');
      expect(wrong.body.error.message).toBe(unknown.body.error.message);
    });

    it('should publish the public key that verifies access tokens at the JWKS endpoint', async () => {
      const res = await api.get('/.well-known/jwks.json');
      expect(res.status).toBe(200);
      expect(res.body.keys).toEqual([expect.objectContaining({ kty: 'RSA', alg: 'RS256', use: 'sig', kid: expect.any(String) })]);
    });
  });

  describe('access token failures', () => {
    let userId: string;
    beforeAll(async () => {
      userId = (await signupAndLogin(api)).id;
    });

    const expect401 = async (authorization: string | undefined, code: string) => {
      const res = await api.get('/api/v1/users/me', { headers: authorization ? { authorization } : {} });
      expectErrorEnvelope(res, 401, code);
      expect(res.headers.get('www-authenticate')).toBe('Bearer');
    };

    it('should answer 401 when the token is missing', () => expect401(undefined, 'UNAUTHORIZED'));
    it('should answer 401 when the header is malformed', () => expect401('Token abc', 'INVALID_TOKEN'));
    it('should answer 401 when the token is garbage', () => expect401('Bearer not.a.jwt', 'INVALID_TOKEN'));

    it('should answer 401 TOKEN_EXPIRED when the token has expired', async () => {
      const past = Math.floor(Date.now() / 1000) - 60;
      const token = await signAccessToken(platformPrivateKey(), { sub: userId, issuedAt: past - 900, expiresAt: past });
      await expect401(`Bearer ${token}`, 'TOKEN_EXPIRED');
    });

    it('should answer 401 when the signature is from another key', async () => {
      const token = await signAccessToken(foreignPrivateKey(), { sub: userId });
      await expect401(`Bearer ${token}`, 'INVALID_TOKEN');
    });

    it('should answer 401 when the token says alg none', () => expect401(`Bearer ${unsignedToken(userId)}`, 'INVALID_TOKEN'));

    it('should answer 401 when the token belongs to a deleted user', async () => {
      const admin = await loginAdmin(api);
      const victim = await signupAndLogin(api);
      expect((await api.get('/api/v1/users/me', { token: victim.accessToken })).status).toBe(200);
      expect((await api.delete(`/api/v1/users/${victim.id}`, { token: admin.accessToken })).status).toBe(204);
      await expect401(`Bearer ${victim.accessToken}`, 'INVALID_TOKEN');
      const relogin = await api.post('/api/v1/auth/token', { username: victim.email, password: victim.password });
      expectErrorEnvelope(relogin, 401, 'INVALID_CREDENTIALS');
      const refresh = await api.post('/api/v1/auth/refresh', { refresh_token: victim.refreshToken });
      expect(refresh.status).toBe(401);
    });
  });

  describe('refresh tokens', () => {
    it('should rotate: the new pair works and the used refresh token is dead', async () => {
      const user = await signupAndLogin(api);
      const first = await api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken });
      expect(first.status).toBe(200);
      expect(first.body.refresh_token).not.toBe(user.refreshToken);
      expect((await api.get('/api/v1/users/me', { token: first.body.access_token })).status).toBe(200);
      const again = await api.post('/api/v1/auth/refresh', { refresh_token: first.body.refresh_token });
      expect(again.status).toBe(200);
    });

    it('should revoke the whole family when a used refresh token is presented again', async () => {
      const user = await signupAndLogin(api);
      const rotated = await api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken });
      expect(rotated.status).toBe(200);
      const reuse = await api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken });
      expectErrorEnvelope(reuse, 401, 'REFRESH_TOKEN_REUSED');
      const descendant = await api.post('/api/v1/auth/refresh', { refresh_token: rotated.body.refresh_token });
      expectErrorEnvelope(descendant, 401, 'REFRESH_TOKEN_REUSED');
    });

    it('should let exactly one of two concurrent refreshes with the same token win', async () => {
      const user = await signupAndLogin(api);
      const results = await Promise.all([1, 2, 3].map(() => api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken })));
      expect(results.map((r) => r.status).sort()).toEqual([200, 401, 401]);
    });

    it('should answer 401 for an unknown refresh token', async () => {
      expectErrorEnvelope(await api.post('/api/v1/auth/refresh', { refresh_token: 'x'.repeat(43) }), 401, 'INVALID_TOKEN');
    });

    it('should kill the session on logout so its refresh token no longer works', async () => {
      const user = await signupAndLogin(api);
      const out = await api.post('/api/v1/auth/logout', { refresh_token: user.refreshToken }, { token: user.accessToken });
      expect(out.status).toBe(204);
      expect((await api.post('/api/v1/auth/refresh', { refresh_token: user.refreshToken })).status).toBe(401);
    });

    it("should not let a user log out someone else's session", async () => {
      const victim = await signupAndLogin(api);
      const attacker = await signupAndLogin(api);
      expect((await api.post('/api/v1/auth/logout', { refresh_token: victim.refreshToken }, { token: attacker.accessToken })).status).toBe(204);
      expect((await api.post('/api/v1/auth/refresh', { refresh_token: victim.refreshToken })).status).toBe(200);
    });
  });

  it('should log in the bootstrap admin from ADMIN_EMAIL/ADMIN_PASSWORD with role admin', async () => {
    const admin = await loginAdmin(api);
    const me = await api.get('/api/v1/users/me', { token: admin.accessToken });
    expect(me.body.role).toBe('admin');
    expect(await login(api, me.body.email, 'admin-password-1')).toBeDefined();
  });
});

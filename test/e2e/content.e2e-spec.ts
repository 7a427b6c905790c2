import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient, expectErrorEnvelope, login, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { createContent, makeContent, patch } from '../support/content';
import { Platform, startPlatform } from '../support/platform';
import { TEST_ENV } from '../support/test-env';

// The contract's Content table, row by row, through the gateway; then GET /users/{id}'s contents and concurrent
// signups. The cache's behaviour (X-Cache, invalidation, races, single flight, Redis down) is content-cache.e2e-spec.
describe('content (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let admin: { accessToken: string };
  let author: TestUser;
  let other: TestUser;
  let readonly: { accessToken: string };
  const VIEW_KEYS = ['author', 'content', 'created_at', 'id', 'image', 'title', 'updated_at'];

  beforeAll(async () => {
    platform = await startPlatform(3470);
    api = platform.api;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    admin = await loginAdmin(api);
    author = await signupAndLogin(api, { name: 'Ada Author', phone_number: `+1415${String(Date.now()).slice(-7)}` });
    other = await signupAndLogin(api);
    const email = uniqueEmail('ro');
    expect((await api.post('/api/v1/users', { name: 'Read Only', email, password: 'readonly-pass', role: 'readonly' }, { token: admin.accessToken })).status).toBe(201);
    readonly = await login(api, email, 'readonly-pass');
  });
  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  const item = (id: string) => `/api/v1/content/${id}`;

  describe('POST /content', () => {
    it('should store the item with the caller as author {id, name} and answer 201 with Location and ETag', async () => {
      const body = makeContent();
      const created = await api.post('/api/v1/content', body, { token: author.accessToken });

      expect(created.status).toBe(201);
      expect(Object.keys(created.body).sort()).toEqual(VIEW_KEYS);
      expect(created.body).toMatchObject({ ...body, author: { id: author.id, name: 'Ada Author' } });
      expect(Object.keys(created.body.author).sort()).toEqual(['id', 'name']);
      expect(created.body.created_at).toMatch(/Z$/);
      expect(created.headers.get('location')).toBe(`/api/v1/content/${created.body.id}`);
      expect(created.headers.get('etag')).toMatch(/^"\d+\.\d+"$/);
      const read = await api.get(item(created.body.id), { token: other.accessToken });
      expect({ status: read.status, body: read.body, etag: read.headers.get('etag') }).toEqual({ status: 200, body: created.body, etag: created.headers.get('etag') });
    });

    it('should store an item without image as image null, and let an admin author one', async () => {
      const created = await api.post('/api/v1/content', { title: 'No picture', content: 'Just words, no image.' }, { token: admin.accessToken });
      expect(created.status).toBe(201);
      expect(created.body.image).toBeNull();
      expect(created.body.author.name).toBe('Administrator');
    });

    it.each([
      ['a title of 2 characters', { title: 'ab' }, 'title'],
      ['a title of 201 characters', { title: 'x'.repeat(201) }, 'title'],
      ['no title', { title: undefined }, 'title'],
      ['a numeric title', { title: 12345 }, 'title'],
      ['content of 9 characters', { content: '123456789' }, 'content'],
      ['no content', { content: undefined }, 'content'],
      ['an ftp image', { image: 'ftp://example.com/a.png' }, 'image'],
      ['an image that is no URL', { image: 'not a url' }, 'image'],
      ['an image URL over 2048 characters', { image: `https://example.com/${'a'.repeat(2040)}` }, 'image'],
      ['an unknown field', { author_id: randomUUID() }, 'author_id'],
    ])('should refuse %s with 400 VALIDATION_ERROR naming the field', async (_, change, field) => {
      const response = await api.post('/api/v1/content', { ...makeContent(), ...change }, { token: author.accessToken });
      const error = expectErrorEnvelope(response, 400, 'VALIDATION_ERROR');
      expect(error.details.errors.map((problem: { field: string }) => problem.field)).toContain(field);
    });

    it('should count title characters as code points (200 emoji fit, 201 do not)', async () => {
      expect((await api.post('/api/v1/content', makeContent({ title: '😀'.repeat(200) }), { token: author.accessToken })).status).toBe(201);
      expectErrorEnvelope(await api.post('/api/v1/content', makeContent({ title: '😀'.repeat(201) }), { token: author.accessToken }), 400, 'VALIDATION_ERROR');
    });

    it('should write content.created, content.updated and content.deleted to the outbox with the change', async () => {
      const { body } = await createContent(api, author.accessToken);
      expect((await api.put(item(body.id), makeContent({ title: 'Outbox title' }), { token: author.accessToken })).status).toBe(200);
      expect((await api.delete(item(body.id), { token: author.accessToken })).status).toBe(204);

      const { rows } = await db.query(`SELECT event_type, payload FROM outbox WHERE aggregate_type = 'content' AND aggregate_id = $1 ORDER BY id`, [body.id]);
      expect(rows.map((row) => row.event_type)).toEqual(['content.created', 'content.updated', 'content.deleted']);
      expect(rows[1].payload.data).toMatchObject({ id: body.id, author_id: author.id, title: 'Outbox title' });
      expect(rows[2].payload.data).toEqual({ id: body.id });
    });
  });

  describe('who may do what', () => {
    it('should answer 401 with WWW-Authenticate on every route without a token', async () => {
      const id = randomUUID();
      for (const response of [
        await api.get('/api/v1/content'),
        await api.get(item(id)),
        await api.post('/api/v1/content', makeContent()),
        await api.put(item(id), makeContent()),
        await patch(api, item(id), { title: 'New title' }, ''),
        await api.delete(item(id)),
      ]) {
        expectErrorEnvelope(response, 401, 'UNAUTHORIZED');
        expect(response.headers.get('www-authenticate')).toBe('Bearer');
      }
    });

    it('should let readonly read but not create, change or delete (403)', async () => {
      const { body } = await createContent(api, author.accessToken);
      expect((await api.get('/api/v1/content', { token: readonly.accessToken })).status).toBe(200);
      expect((await api.get(item(body.id), { token: readonly.accessToken })).status).toBe(200);
      expectErrorEnvelope(await api.post('/api/v1/content', makeContent(), { token: readonly.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.put(item(body.id), makeContent(), { token: readonly.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await patch(api, item(body.id), { title: 'Readonly edit' }, readonly.accessToken), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.delete(item(body.id), { token: readonly.accessToken }), 403, 'FORBIDDEN');
      expect((await api.get(item(body.id), { token: author.accessToken })).body.title).toBe(body.title);
    });

    it("should refuse another user's PUT, PATCH and DELETE with 403 and change nothing", async () => {
      const { body } = await createContent(api, author.accessToken);
      expectErrorEnvelope(await api.put(item(body.id), makeContent(), { token: other.accessToken }), 403, 'FORBIDDEN');
      expectErrorEnvelope(await patch(api, item(body.id), { title: 'Not mine' }, other.accessToken), 403, 'FORBIDDEN');
      expectErrorEnvelope(await api.delete(item(body.id), { token: other.accessToken }), 403, 'FORBIDDEN');
      expect((await api.get(item(body.id), { token: other.accessToken })).body).toEqual(body);
    });

    it("should let an admin change and delete anyone's item, the author staying the author", async () => {
      const { body } = await createContent(api, author.accessToken);
      const replaced = await api.put(item(body.id), makeContent({ title: 'Edited by admin' }), { token: admin.accessToken });
      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ title: 'Edited by admin', author: { id: author.id, name: 'Ada Author' } });
      expect((await patch(api, item(body.id), { content: 'Admin patched this text.' }, admin.accessToken)).status).toBe(200);
      expect((await api.delete(item(body.id), { token: admin.accessToken })).status).toBe(204);
      expectErrorEnvelope(await api.get(item(body.id), { token: author.accessToken }), 404, 'CONTENT_NOT_FOUND');
    });

    it('should answer 404 CONTENT_NOT_FOUND for a missing item on every route, and 400 for an id that is no UUID', async () => {
      const id = randomUUID();
      expectErrorEnvelope(await api.get(item(id), { token: author.accessToken }), 404, 'CONTENT_NOT_FOUND');
      expectErrorEnvelope(await api.put(item(id), makeContent(), { token: author.accessToken }), 404, 'CONTENT_NOT_FOUND');
      expectErrorEnvelope(await patch(api, item(id), { title: 'Nothing here' }, author.accessToken), 404, 'CONTENT_NOT_FOUND');
      expectErrorEnvelope(await api.delete(item(id), { token: admin.accessToken }), 404, 'CONTENT_NOT_FOUND');
      expectErrorEnvelope(await api.get(item('not-a-uuid'), { token: author.accessToken }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('PUT and PATCH /content/{id}', () => {
    it('should replace every field on PUT (an absent image is removed) and bump updated_at and the ETag', async () => {
      const { body, headers } = await createContent(api, author.accessToken);
      const replaced = await api.put(item(body.id), { title: 'Replaced title', content: 'Replaced content text.' }, { token: author.accessToken });

      expect(replaced.status).toBe(200);
      expect(replaced.body).toMatchObject({ id: body.id, title: 'Replaced title', content: 'Replaced content text.', image: null, created_at: body.created_at });
      expect(replaced.body.updated_at >= body.updated_at).toBe(true);
      expect(replaced.headers.get('etag')).not.toBe(headers.get('etag'));
      expect((await api.get(item(body.id), { token: author.accessToken })).body).toEqual(replaced.body);
    });

    it('should change only the given fields on PATCH (merge patch or JSON), image null removing the image', async () => {
      const { body } = await createContent(api, author.accessToken);
      const titled = await patch(api, item(body.id), { title: 'Patched title' }, author.accessToken);
      expect(titled.status).toBe(200);
      expect(titled.body).toMatchObject({ title: 'Patched title', content: body.content, image: body.image });
      const cleared = await patch(api, item(body.id), { image: null }, author.accessToken, 'application/json');
      expect(cleared.body).toMatchObject({ title: 'Patched title', content: body.content, image: null });
      expect((await api.get(item(body.id), { token: author.accessToken })).body).toEqual(cleared.body);
    });

    it.each([
      ['a null title', { title: null }],
      ['a short content', { content: 'short' }],
      ['an unknown field', { author: { id: randomUUID() } }],
      ['an empty patch', {}],
      ['a JSON array', [{ title: 'x' }]],
    ])('should refuse a PATCH with %s (400) and change nothing', async (_, body) => {
      const { body: stored } = await createContent(api, author.accessToken);
      expectErrorEnvelope(await patch(api, item(stored.id), body, author.accessToken), 400, 'VALIDATION_ERROR');
      expect((await api.get(item(stored.id), { token: author.accessToken })).body).toEqual(stored);
    });

    it('should refuse a JSON Patch with 415 naming the accepted types', async () => {
      const { body } = await createContent(api, author.accessToken);
      const response = await patch(api, item(body.id), [{ op: 'replace', path: '/title', value: 'Nope' }], author.accessToken, 'application/json-patch+json');
      expectErrorEnvelope(response, 415, 'UNSUPPORTED_MEDIA_TYPE');
      expect(response.headers.get('accept-patch')).toBe('application/merge-patch+json, application/json');
    });

    it('should validate PUT like POST, unknown fields included', async () => {
      const { body } = await createContent(api, author.accessToken);
      expectErrorEnvelope(await api.put(item(body.id), { ...makeContent(), extra: true }, { token: author.accessToken }), 400, 'VALIDATION_ERROR');
      expectErrorEnvelope(await api.put(item(body.id), { title: 'Only a title' }, { token: author.accessToken }), 400, 'VALIDATION_ERROR');
    });
  });

  describe('GET /content', () => {
    it('should page with meta, sort by each field in each order, authors as {id, name} only', async () => {
      const prefix = `zz${randomUUID().replace(/\d|-/g, '').slice(0, 6)}`;
      const ids: string[] = [];
      for (const letter of ['c', 'a', 'b']) ids.push((await createContent(api, author.accessToken, { title: `${prefix} ${letter}` })).body.id);
      const [{ total }] = (await db.query('SELECT count(*)::int AS total FROM content_items')).rows;

      const newest = await api.get('/api/v1/content?page_size=2', { token: other.accessToken });
      expect(newest.status).toBe(200);
      expect(newest.body.meta).toEqual({ page: 1, page_size: 2, total_count: total, total_pages: Math.ceil(total / 2) });
      expect(newest.body.data.map((entry: { id: string }) => entry.id)).toEqual([ids[2], ids[1]]);
      const second = await api.get('/api/v1/content?page=2&page_size=2&sort_by=created_at&order=desc', { token: other.accessToken });
      expect(second.body.data[0].id).toBe(ids[0]);

      const byTitle = async (order: string) =>
        (await api.get(`/api/v1/content?sort_by=title&order=${order}&page_size=100`, { token: other.accessToken })).body.data
          .map((entry: { title: string }) => entry.title)
          .filter((title: string) => title.startsWith(prefix));
      const titles = await byTitle('asc');
      expect(titles.length === 3 ? titles : await eachPage(prefix)).toEqual([`${prefix} a`, `${prefix} b`, `${prefix} c`]);
      const updated = await api.get('/api/v1/content?sort_by=updated_at&order=asc&page_size=1', { token: other.accessToken });
      expect(updated.status).toBe(200);

      for (const entry of newest.body.data) {
        expect(Object.keys(entry).sort()).toEqual(VIEW_KEYS);
        expect(Object.keys(entry.author).sort()).toEqual(['id', 'name']);
      }
      expect(newest.text).not.toContain(author.email);
    });

    // Titles that sort after the first 100: walk every page (only when the table is large).
    async function eachPage(prefix: string): Promise<string[]> {
      const found: string[] = [];
      for (let page = 1; ; page++) {
        const response = await api.get(`/api/v1/content?sort_by=title&order=asc&page_size=100&page=${page}`, { token: other.accessToken });
        found.push(...response.body.data.map((entry: { title: string }) => entry.title).filter((title: string) => title.startsWith(prefix)));
        if (page >= response.body.meta.total_pages) return found;
      }
    }

    it.each(['page=0', 'page=-1', 'page=1.5', 'page=abc', 'page_size=0', 'page_size=101', 'sort_by=email', 'sort_by=author', 'order=up', 'unknown=1', 'page=1&page=2'])(
      'should refuse ?%s with 400 VALIDATION_ERROR, not clamp it',
      async (query) => {
        expectErrorEnvelope(await api.get(`/api/v1/content?${query}`, { token: other.accessToken }), 400, 'VALIDATION_ERROR');
      },
    );

    it('should answer a page past the end with no items and the real meta', async () => {
      const response = await api.get('/api/v1/content?page=1000000&page_size=100', { token: other.accessToken });
      expect(response.status).toBe(200);
      expect(response.body.data).toEqual([]);
      expect(response.body.meta.page).toBe(1000000);
    });
  });

  describe('GET /users/{id}', () => {
    it("should include the user's content items, newest first, and follow every change", async () => {
      const writer = await signupAndLogin(api);
      const first = (await createContent(api, writer.accessToken)).body;
      const second = (await createContent(api, writer.accessToken)).body;
      const third = (await createContent(api, writer.accessToken)).body;
      await api.put(item(first.id), makeContent({ title: 'First, edited later' }), { token: writer.accessToken });
      await api.delete(item(second.id), { token: writer.accessToken });

      const user = await api.get(`/api/v1/users/${writer.id}`, { token: writer.accessToken });

      expect(user.status).toBe(200);
      expect(user.body.contents.map((entry: { id: string; title: string }) => [entry.id, entry.title])).toEqual([
        [third.id, third.title],
        [first.id, 'First, edited later'],
      ]);
      expect((await api.get(`/api/v1/users/${writer.id}`, { token: admin.accessToken })).body.contents).toHaveLength(2);
    });
  });

  describe('concurrent signups', () => {
    it('should let exactly one of 20 concurrent signups with one email win; the rest get 409 EMAIL_TAKEN', async () => {
      const email = uniqueEmail('race');
      const responses = await Promise.all(
        Array.from({ length: 20 }, (_, i) => api.post('/api/v1/auth/signup', { name: 'Racer', email: i % 2 ? email : email.toUpperCase(), password: 'long-enough' })),
      );

      expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 201)) expectErrorEnvelope(response, 409, 'EMAIL_TAKEN');
      const { rows } = await db.query('SELECT count(*)::int AS count FROM users WHERE lower(email) = lower($1)', [email]);
      expect(rows[0].count).toBe(1);
    });

    it('should let exactly one of 20 concurrent signups with one phone number win; the rest get 409 PHONE_TAKEN', async () => {
      const phone = `+3460${String(Date.now()).slice(-7)}`;
      const responses = await Promise.all(
        Array.from({ length: 20 }, () => api.post('/api/v1/auth/signup', { name: 'Racer', email: uniqueEmail('phone'), password: 'long-enough', phone_number: phone })),
      );

      expect(responses.filter((response) => response.status === 201)).toHaveLength(1);
      for (const response of responses.filter((r) => r.status !== 201)) expectErrorEnvelope(response, 409, 'PHONE_TAKEN');
      const { rows } = await db.query('SELECT count(*)::int AS count FROM users WHERE phone_number = $1', [phone]);
      expect(rows[0].count).toBe(1);
    });
  });
});

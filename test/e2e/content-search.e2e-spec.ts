import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient, expectErrorEnvelope, login, loginAdmin, signupAndLogin, TestUser, uniqueEmail } from '../support/api-client';
import { eventually } from '../support/eventually';
import { Platform, startPlatform } from '../support/platform';
import { TEST_ENV } from '../support/test-env';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

// A word no other test writes, so each case sees only its own rows.
const marker = () =>
  `zq${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 10)}`;

// GET /content/search through the gateway, on the default (Postgres) backend. Content rows are written straight
// to Postgres here (the search reads the table, whoever wrote it), except in 'writes through the gateway', which
// goes through the whole write path (core, outbox, indexer) as a user does.
describe('content search (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let db: Client;
  let admin: { accessToken: string };
  let author: TestUser;
  let readonly: { accessToken: string };

  beforeAll(async () => {
    platform = await startPlatform(3470, ['core', 'gateway', 'indexer']);
    api = platform.api;
    db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    admin = await loginAdmin(api);
    author = await signupAndLogin(api, { name: 'Ada Author', phone_number: '+34600123456' });
    const email = uniqueEmail('ro');
    await api.post('/api/v1/users', { name: 'Read Only', email, password: 'readonly-pass', role: 'readonly' }, { token: admin.accessToken });
    readonly = await login(api, email, 'readonly-pass');
  }, 60_000);
  afterAll(async () => {
    await db?.end();
    await platform?.stop();
  });

  const insert = async (title: string, content: string, createdAt: string, image: string | null = null) => {
    const id = randomUUID();
    await db.query(`INSERT INTO content_items (id, author_id, title, content, image, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $6, $6)`, [
      id,
      author.id,
      title,
      content,
      image,
      createdAt,
    ]);
    return id;
  };
  const search = (query: string, token = author.accessToken) => api.get(`/api/v1/content/search?${query}`, { token });
  const q = (text: string) => `q=${encodeURIComponent(text)}`;

  describe('results', () => {
    it('should answer a page of matching items, title matches first, each with its author as {id, name} only', async () => {
      const word = marker();
      const inContent = await insert('Soil notes', `Mulch keeps the ${word} warm.`, '2025-02-01T10:00:00.000Z');
      const inTitle = await insert(`The ${word} handbook`, 'All about planting bulbs.', '2025-01-01T10:00:00.000Z', 'https://example.com/bulbs.png');

      const res = await search(q(word));

      expect(res.status).toBe(200);
      expect(res.body).toEqual({
        data: [
          {
            id: inTitle,
            title: `The ${word} handbook`,
            content: 'All about planting bulbs.',
            image: 'https://example.com/bulbs.png',
            author: { id: author.id, name: 'Ada Author' },
            created_at: '2025-01-01T10:00:00.000Z',
            updated_at: '2025-01-01T10:00:00.000Z',
          },
          expect.objectContaining({ id: inContent, image: null, author: { id: author.id, name: 'Ada Author' } }),
        ],
        meta: { page: 1, page_size: 20, total_count: 2, total_pages: 1 },
      });
      expect(res.text).not.toContain(author.email);
      expect(res.text).not.toContain('+34600123456');
      expect(res.headers.get('content-type')).toBe('application/json; charset=utf-8');
    });

    it('should let every role search, readonly and admin included', async () => {
      const word = marker();
      const id = await insert(`${word} for everyone`, 'Readable by any role.', '2025-01-01T10:00:00.000Z');

      for (const token of [readonly.accessToken, admin.accessToken]) {
        const res = await search(q(word), token);
        expect({ status: res.status, ids: res.body.data.map((item: { id: string }) => item.id) }).toEqual({ status: 200, ids: [id] });
      }
    });

    it('should page the matches and count them all, newest first among equal matches', async () => {
      const word = marker();
      const ids = [];
      for (let day = 1; day <= 3; day += 1) ids.push(await insert(`${word} day ${day}`, 'The same body for each.', `2025-01-0${day}T10:00:00.000Z`));

      const res = await search(`${q(word)}&page=2&page_size=2`);

      expect(res.body).toEqual({ data: [expect.objectContaining({ id: ids[0] })], meta: { page: 2, page_size: 2, total_count: 3, total_pages: 2 } });
      expect((await search(`${q(word)}&page=3&page_size=2`)).body).toEqual({ data: [], meta: { page: 3, page_size: 2, total_count: 3, total_pages: 2 } });
      const oldestFirst = await search(`${q(word)}&sort_by=created_at&order=asc`);
      expect(oldestFirst.body.data.map((item: { id: string }) => item.id)).toEqual(ids);
    });

    it('should read q as websearch syntax', async () => {
      const word = marker();
      const roses = await insert(`${word} red roses`, 'Prune them in spring.', '2025-01-01T10:00:00.000Z');
      const tulips = await insert(`${word} tulips`, 'Plant them before the frost, away from the roses.', '2025-01-02T10:00:00.000Z');
      const ids = async (text: string) => (await search(q(text))).body.data.map((item: { id: string }) => item.id);

      expect(await ids(`${word} "red roses"`)).toEqual([roses]);
      expect(await ids(`${word} roses -tulips`)).toEqual([roses]);
      expect(await ids(`${word} tulips or ${word} red`)).toEqual([tulips, roses]);
    });

    it('should answer an empty page when nothing matches', async () => {
      expect((await search(q(marker()))).body).toEqual({ data: [], meta: { page: 1, page_size: 20, total_count: 0, total_pages: 0 } });
    });

    it("should show the author's new name at once after a rename, and no longer find a deleted item", async () => {
      const word = marker();
      const kept = await insert(`${word} kept`, 'This one stays.', '2025-01-01T10:00:00.000Z');
      const removed = await insert(`${word} removed`, 'This one goes.', '2025-01-02T10:00:00.000Z');
      const renamed = await api.put(`/api/v1/users/${author.id}`, { name: 'Ada Renamed', email: author.email }, { token: author.accessToken });
      expect(renamed.status).toBe(200);
      await db.query('DELETE FROM content_items WHERE id = $1', [removed]);

      const res = await search(q(word));

      expect(res.body.data).toEqual([expect.objectContaining({ id: kept, author: { id: author.id, name: 'Ada Renamed' } })]);
      await api.put(`/api/v1/users/${author.id}`, { name: 'Ada Author', email: author.email }, { token: author.accessToken });
    });

    it.each([`'`, `"`, `' OR 1=1 --`, `&|!()<>:*`, `a<->b`, `-`, `or`, '🙂', '('.repeat(200)])('should answer 200 when q is %j', async (text) => {
      const res = await search(q(text));
      expect(res.status).toBe(200);
      expect(res.body.meta).toEqual(expect.objectContaining({ page: 1, page_size: 20 }));
    });
  });

  describe('writes through the gateway', () => {
    const WITHIN_MS = 1000; // a write is searchable (or gone) within 1 s of its response
    const searchIds = async (text: string) => {
      const res = await search(q(text));
      expect(res.status).toBe(200);
      return res.body.data.map((item: { id: string }) => item.id);
    };

    it('should find a created item within 1 s, its new words and not its old ones within 1 s of a PUT, and nothing within 1 s of a DELETE', async () => {
      const [before, after] = [marker(), marker()];

      const created = await api.post('/api/v1/content', { title: `The ${before} notes`, content: 'Written through the gateway.' }, { token: author.accessToken });
      expect(created.status).toBe(201);
      await eventually(async () => expect(await searchIds(before)).toEqual([created.body.id]), WITHIN_MS, 50);

      const id = created.body.id as string;
      const replaced = await api.put(`/api/v1/content/${id}`, { title: 'Renamed notes', content: `Now about ${after} only.` }, { token: author.accessToken });
      expect(replaced.status).toBe(200);
      await eventually(async () => expect({ old: await searchIds(before), new: await searchIds(after) }).toEqual({ old: [], new: [id] }), WITHIN_MS, 50);

      const deleted = await api.delete(`/api/v1/content/${id}`, { token: author.accessToken });
      expect(deleted.status).toBe(204);
      await eventually(async () => expect(await searchIds(after)).toEqual([]), WITHIN_MS, 50);
    });
  });

  describe('refusals', () => {
    it('should answer 401 with WWW-Authenticate without a token or with a bad one', async () => {
      for (const token of [undefined, 'not-a-jwt']) {
        const res = await api.get(`/api/v1/content/search?${q('anything')}`, { token });
        expectErrorEnvelope(res, 401, token ? 'INVALID_TOKEN' : 'UNAUTHORIZED');
        expect(res.headers.get('www-authenticate')).toMatch(/^Bearer/);
      }
    });

    it.each([
      ['q is missing', '', 'q'],
      ['q is empty', 'q=', 'q'],
      ['q has 201 characters', q('x'.repeat(201)), 'q'],
      ['q is given twice', 'q=a&q=b', 'q'],
      ['q holds a NUL', 'q=a%00b', 'q'],
      ['page is 0', `${q('a')}&page=0`, 'page'],
      ['page is not a number', `${q('a')}&page=two`, 'page'],
      ['page_size is 101', `${q('a')}&page_size=101`, 'page_size'],
      ['page_size is 0', `${q('a')}&page_size=0`, 'page_size'],
      ['sort_by is unknown', `${q('a')}&sort_by=title`, 'sort_by'],
      ['order is unknown', `${q('a')}&order=up`, 'order'],
      ['an unknown parameter is sent', `${q('a')}&author=me`, 'author'],
    ])('should answer 400 VALIDATION_ERROR naming the parameter when %s', async (_case, query, field) => {
      const error = expectErrorEnvelope(await search(query), 400, 'VALIDATION_ERROR');
      expect(error.details.errors.map((entry: { field: string }) => entry.field)).toContain(field);
    });
  });

  describe('POST /admin/reindex', () => {
    const reindexLine = (runId: string, what: string) =>
      eventually(() => {
        const line = platform.apps.core!.logs().find((entry) => String(entry.message).includes(`reindex ${runId}: `) && String(entry.message).includes(what));
        expect(line).toBeDefined();
        return String(line!.message);
      });

    it('should accept target content with 202 and rebuild every content item from Postgres', async () => {
      await insert(`${marker()} to reindex`, 'Indexed again by the rebuild.', '2025-01-01T10:00:00.000Z');

      const res = await api.post('/api/v1/admin/reindex', { target: 'content' }, { token: admin.accessToken });

      expect(res.status).toBe(202);
      expect(res.body).toEqual({ id: expect.stringMatching(UUID), target: 'content', status: 'accepted', started_at: expect.any(String) });
      const line = await reindexLine(res.body.id, 'content items');
      const { rows } = await db.query('SELECT count(*)::int AS n FROM content_items');
      expect(line).toMatch(new RegExp(`: ${rows[0].n} content items written to the postgres index`));
    });

    it('should accept target all with 202 and rebuild plans, orders and content', async () => {
      const res = await api.post('/api/v1/admin/reindex', { target: 'all' }, { token: admin.accessToken });

      expect(res.status).toBe(202);
      expect(res.body.target).toBe('all');
      for (const what of [' plans written', ' orders written', ' content items written']) await reindexLine(res.body.id, what);
    });

    it('should refuse a non-admin with 403', async () => {
      expectErrorEnvelope(await api.post('/api/v1/admin/reindex', { target: 'content' }, { token: author.accessToken }), 403, 'FORBIDDEN');
    });
  });
});

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { ApiClient, loginAdmin, signupAndLogin, uniqueEmail } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { eventually } from '../support/eventually';
import { EventTap } from '../support/rmq-probe';
import { TEST_ENV } from '../support/test-env';

describe('events and dead letters (e2e)', () => {
  let core: AppProcess;
  let gateway: AppProcess;
  let indexer: AppProcess;
  let api: ApiClient;
  let tap: EventTap;
  let adminToken: string;

  beforeAll(async () => {
    tap = await new EventTap().open('user.*');
    core = await startApp('core', 3371);
    [gateway, indexer] = await Promise.all([startApp('gateway', 3370), startApp('indexer', 3372)]);
    api = new ApiClient(gateway.url);
    adminToken = (await loginAdmin(api)).accessToken;
  });
  afterAll(async () => {
    await Promise.all([gateway, indexer, core].map((app) => app?.stop()));
    await tap.close();
  });

  it('should publish user.created with the contract envelope, persistent, carrying the request id', async () => {
    const requestId = `evt-${Date.now()}`;
    const email = uniqueEmail();
    const res = await api.post('/api/v1/auth/signup', { name: 'Evented', email, password: 'long-enough' }, { headers: { 'x-request-id': requestId } });
    const message = await tap.waitFor((m) => JSON.parse(m.content.toString()).data?.data?.id === res.body.id);
    const body = JSON.parse(message.content.toString());
    expect(body.pattern).toBe('user.created');
    expect(body.data).toEqual({ event_type: 'user.created', event_id: expect.any(String), timestamp: expect.any(String), data: res.body });
    expect(JSON.stringify(body)).not.toMatch(/password/i);
    expect(message.properties.messageId).toBe(body.data.event_id);
    expect(message.properties.deliveryMode).toBe(2);
    expect(message.properties.headers?.['x-request-id']).toBe(requestId);
  });

  it('should deliver created, updated, deleted for one user in that order', async () => {
    const user = await signupAndLogin(api);
    await api.put(`/api/v1/users/${user.id}`, { name: 'Second Name', email: user.email }, { token: user.accessToken });
    await api.delete(`/api/v1/users/${user.id}`, { token: adminToken });
    const types = await eventually(() => {
      const seen = tap.forAggregate(user.id).map((m) => JSON.parse(m.content.toString()).pattern);
      expect(seen).toHaveLength(3);
      return seen;
    });
    expect(types).toEqual(['user.created', 'user.updated', 'user.deleted']);
  });

  it('should publish an event committed while core was down once core is back (crash between commit and publish)', async () => {
    expect(await core.stop('SIGKILL')).toBeNull();
    // The state a crash right after COMMIT leaves behind: the change and its outbox row, nothing published.
    const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    const eventId = randomUUID();
    const aggregateId = randomUUID();
    await db.query(`INSERT INTO outbox (aggregate_type, aggregate_id, event_type, event_id, payload, headers) VALUES ('user', $1, 'user.updated', $2, $3, '{}')`, [
      aggregateId,
      eventId,
      { event_type: 'user.updated', event_id: eventId, timestamp: new Date().toISOString(), data: { id: aggregateId } },
    ]);
    core = await startApp('core', 3371);
    const message = await tap.waitFor((m) => m.properties.messageId === eventId);
    expect(JSON.parse(message.content.toString()).data.data.id).toBe(aggregateId);
    await eventually(async () => {
      const { rows } = await db.query('SELECT published_at FROM outbox WHERE event_id = $1', [eventId]);
      expect(rows[0].published_at).not.toBeNull();
    });
    await db.end();
    expect(tap.messages.filter((m) => m.properties.messageId === eventId)).toHaveLength(1);
  });

  it('should dead-letter a message whose handler throws, once, list it, and replay it on request', async () => {
    const messageId = randomUUID();
    // A user.created whose envelope is invalid: the indexer's validation throws on it every time.
    await tap.publishRaw('user.created', { pattern: 'user.created', data: { event_type: 'user.created', event_id: 'not-a-uuid', data: 'oops' } }, messageId);

    const listed = await eventually(async () => {
      const res = await api.get('/api/v1/admin/dead-letters?page_size=100', { token: adminToken });
      expect(res.status).toBe(200);
      const found = res.body.data.filter((letter: { message_id: string }) => letter.message_id === messageId);
      expect(found).toHaveLength(1);
      return found[0];
    });
    expect(listed).toMatchObject({ queue: 'indexer.events', pattern: 'user.created', reason: 'rejected', replay_count: 0 });
    expect(listed.payload.data.event_id).toBe('not-a-uuid');
    expect(await tap.queueDepth('indexer.events')).toBe(0);
    const failures = () => indexer.logs().filter((entry) => String(entry.message).startsWith('user.created failed')).length;
    expect(failures()).toBe(1);

    const nonAdmin = await signupAndLogin(api);
    expect((await api.get('/api/v1/admin/dead-letters', { token: nonAdmin.accessToken })).status).toBe(403);

    const replay = await api.post('/api/v1/admin/dead-letters/replay', { ids: [listed.id] }, { token: adminToken });
    expect(replay.status).toBe(200);
    expect(replay.body).toEqual({ dry_run: false, matched: 1, replayed: 1, ids: [listed.id] });
    // Replayed to the indexer's queue only; it fails again and comes back as a new dead letter.
    const again = await eventually(async () => {
      const res = await api.get('/api/v1/admin/dead-letters?page_size=100', { token: adminToken });
      const found = res.body.data.filter((letter: { message_id: string }) => letter.message_id === messageId);
      expect(found).toHaveLength(1);
      expect(found[0].id).not.toBe(listed.id);
      return found[0];
    });
    expect(again.queue).toBe('indexer.events');
    expect(failures()).toBe(2);
    const secondReplay = await api.post('/api/v1/admin/dead-letters/replay', { ids: [listed.id] }, { token: adminToken });
    expect(secondReplay.body).toEqual({ dry_run: false, matched: 0, replayed: 0, ids: [] });
  });

  it('should filter dead letters on the server, show one in detail, count a replay in a dry run, then replay what matches', async () => {
    const marker = `marker-${randomUUID()}`;
    const poison = async (pattern: string) => {
      const messageId = randomUUID();
      await tap.publishRaw(pattern, { pattern, data: { event_type: pattern, event_id: 'not-a-uuid', data: marker } }, messageId);
      return messageId;
    };
    const mine = [await poison('user.created'), await poison('user.updated'), await poison('plan.created')];
    const listFor = (query: string) => api.get(`/api/v1/admin/dead-letters?${query}&text=${marker}&page_size=100`, { token: adminToken });
    await eventually(async () => {
      const all = await listFor('queue=indexer.events');
      expect(all.status === 200 ? all.body.meta.total_count : all.text).toBe(3);
    });

    const users = await listFor('pattern=user.*');
    expect(users.status).toBe(200);
    expect(users.body.data.map((letter: { message_id: string }) => letter.message_id).sort()).toEqual(mine.slice(0, 2).sort());
    expect((await listFor('pattern=user.created')).body.meta.total_count).toBe(1);
    expect((await listFor(`from=${encodeURIComponent(new Date(Date.now() + 60_000).toISOString())}`)).body.meta.total_count).toBe(0);
    expect((await listFor('queue=core.rpc')).body.meta.total_count).toBe(0);
    expect((await api.get('/api/v1/admin/dead-letters?pattern=user%25', { token: adminToken })).status).toBe(400);

    const detail = await api.get(`/api/v1/admin/dead-letters/${users.body.data[0].id}`, { token: adminToken });
    expect(detail.status).toBe(200);
    expect(detail.body).toMatchObject({ id: users.body.data[0].id, queue: 'indexer.events', exchange: expect.any(String), headers: expect.any(Object) });
    expect((await api.get(`/api/v1/admin/dead-letters/${randomUUID()}`, { token: adminToken })).status).toBe(404);

    const filter = { pattern: 'user.*', text: marker };
    const dryRun = await api.post('/api/v1/admin/dead-letters/replay', { filter, dry_run: true }, { token: adminToken });
    expect(dryRun.body).toEqual({ dry_run: true, matched: 2, replayed: 0, ids: [] });
    expect((await listFor('pattern=user.*')).body.meta.total_count).toBe(2);

    const replay = await api.post('/api/v1/admin/dead-letters/replay', { filter }, { token: adminToken });
    expect(replay.body).toMatchObject({ dry_run: false, matched: 2, replayed: 2 });
    expect(replay.body.ids.sort()).toEqual(users.body.data.map((letter: { id: string }) => letter.id).sort());
    // The plan.created letter stays pending; the replayed two fail again and come back as new letters.
    await eventually(async () => {
      const pending = (await listFor('queue=indexer.events')).body.data;
      expect(pending).toHaveLength(3);
      expect(pending.filter((letter: { id: string }) => replay.body.ids.includes(letter.id))).toEqual([]);
    });
  });
});

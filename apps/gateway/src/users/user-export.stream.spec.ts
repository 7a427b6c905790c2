import { ExportPagePayload, ExportPageReply, EXPORT_PAGE_MAX, UserView } from '@app/contracts';
import { EXPORT_PAGE_SIZE, userExportStream } from './user-export.stream';

const user: UserView = {
  id: '6f1c2f0e-4d6b-4c1e-9a55-0d7f3c1b2a10',
  name: 'Ada Export',
  email: 'ada@example.com',
  phone_number: null,
  country: null,
  state: null,
  role: 'user',
  created_at: '2026-01-01T00:00:00.000Z',
  updated_at: '2026-01-01T00:00:00.000Z',
};

// A core that holds `orders` orders, one plan and no content, answering pages as the repository does.
function fakeCore(orders: number) {
  const calls: ExportPagePayload[] = [];
  const fetchPage = async (payload: ExportPagePayload): Promise<ExportPageReply> => {
    calls.push(payload);
    if (payload.limit > EXPORT_PAGE_MAX) throw new Error(`page of ${payload.limit} rows asked for`);
    if (payload.section === 'plans') return { items: [{ data: { objectId: 'p1', objectType: 'plan' } }], next: null };
    if (payload.section === 'content') return { items: [], next: null };
    const start = payload.after ? Number(payload.after.id) : 0;
    const end = Math.min(orders, start + payload.limit);
    const items = Array.from({ length: end - start }, (_, index) => ({ id: String(start + index), product_name: 'x'.repeat(100) }));
    return { items, next: end < orders && items.length === payload.limit ? { at: '2026-01-01T00:00:00.000000Z', id: String(end) } : null };
  };
  return { calls, fetchPage };
}

async function readAll(stream: NodeJS.ReadableStream): Promise<string> {
  let text = '';
  for await (const chunk of stream) text += String(chunk);
  return text;
}

describe('userExportStream', () => {
  it('should produce one valid JSON document with every page of every section when read to the end', async () => {
    const core = fakeCore(100_000);

    const text = await readAll(await userExportStream(user, core.fetchPage, EXPORT_PAGE_SIZE, new Date('2026-12-06T00:00:00Z')));

    const document = JSON.parse(text);
    expect(Object.keys(document)).toEqual(['generated_at', 'user', 'plans', 'orders', 'content']);
    expect(document.generated_at).toBe('2026-12-06T00:00:00.000Z');
    expect(document.user).toEqual(user);
    expect(document.plans).toHaveLength(1);
    expect(document.content).toEqual([]);
    expect(document.orders).toHaveLength(100_000);
    expect(document.orders.at(-1).id).toBe('99999');
    expect(core.calls.every((call) => call.limit === EXPORT_PAGE_SIZE && call.user_id === user.id)).toBe(true);
  });

  it('should fetch pages only as the client reads, so a slow client never makes it hold more than a page or two', async () => {
    const core = fakeCore(100_000);
    const stream = await userExportStream(user, core.fetchPage);
    expect(core.calls).toHaveLength(1); // the first page, before any byte is sent

    let received = 0;
    for await (const chunk of stream) {
      received += String(chunk).length;
      if (received > 200_000) break; // a client that has taken ~3 pages' worth and stopped reading
    }
    await new Promise((resolve) => setImmediate(resolve));

    // 100 000 orders are 200 pages; only the ones the client took (plus the stream's small read-ahead) were fetched.
    expect(core.calls.length).toBeLessThanOrEqual(8);
  });

  it('should refuse to start (the caller answers an error envelope) when the first page cannot be read', async () => {
    const failing = () => Promise.reject(new Error('core down'));

    await expect(userExportStream(user, failing)).rejects.toThrow('core down');
  });
});

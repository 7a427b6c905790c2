import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { TEST_ENV } from '../../../../test/support/test-env';
import { dataSourceOptions } from '../data-source.options';
import { ContentItemsRepository } from './content-items.repository';
import { ContentSearchRepository, ContentTextQuery } from './content-search.repository';

// A word no other test writes, so each case sees only its own rows in the shared test database.
const marker = () =>
  `zq${randomUUID()
    .replace(/[^a-f]/g, '')
    .slice(0, 10)}`;

describe('ContentSearchRepository (Postgres)', () => {
  let dataSource: DataSource;
  let sut: ContentSearchRepository;
  let authorId: string;
  const timeout = 3000;

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    sut = new ContentSearchRepository(dataSource);
    authorId = randomUUID();
    await dataSource.query(`INSERT INTO users (id, name, email, phone_number, role, password_hash) VALUES ($1, 'Ada Writer', $2, '+34600111222', 'user', 'x')`, [
      authorId,
      `ada-${authorId}@example.com`,
    ]);
  });
  afterAll(() => dataSource.destroy());

  const insert = async (title: string, content: string, createdAt = new Date().toISOString()): Promise<string> => {
    const id = randomUUID();
    await dataSource.query(`INSERT INTO content_items (id, author_id, title, content, created_at, updated_at) VALUES ($1, $2, $3, $4, $5, $5)`, [
      id,
      authorId,
      title,
      content,
      createdAt,
    ]);
    return id;
  };
  const search = (q: string, overrides: Partial<ContentTextQuery> = {}) =>
    sut.search({ q, page: 1, pageSize: 20, sortBy: 'relevance', order: 'desc', ...overrides }, timeout);
  const at = (minute: number) => `2025-01-01T10:${String(minute).padStart(2, '0')}:00.000Z`;

  it('should find a word in the title and in the content, ranking the title match first even when it is older', async () => {
    const word = marker();
    const inContent = await insert('A note about soil', `Mulch keeps the ${word} warm in winter.`, at(5));
    const inTitle = await insert(`The ${word} handbook`, 'Everything about planting bulbs in autumn.', at(1));
    await insert('Unrelated', 'Nothing to see here at all.', at(9));

    expect(await search(word)).toEqual({ ids: [inTitle, inContent], total: 2 });
  });

  it('should order equally ranked matches newest first, then by id, and turn everything around when order is asc', async () => {
    const word = marker();
    const older = await insert(`Old ${word}`, 'Same words in the body text.', at(1));
    const newer = await insert(`New ${word}`, 'Same words in the body text.', at(2));

    expect((await search(word)).ids).toEqual([newer, older]);
    expect((await search(word, { order: 'asc' })).ids).toEqual([older, newer]);
  });

  it('should sort by creation time only when sort_by is created_at', async () => {
    const word = marker();
    const inTitle = await insert(`${word} in the title`, 'Body text without it.', at(1));
    const inContent = await insert('Plain title', `Body text with ${word} inside.`, at(2));

    expect((await search(word, { sortBy: 'created_at' })).ids).toEqual([inContent, inTitle]);
    expect((await search(word, { sortBy: 'created_at', order: 'asc' })).ids).toEqual([inTitle, inContent]);
  });

  it('should page the matches with the total of all of them, and give an empty page past the end', async () => {
    const word = marker();
    const ids: string[] = [];
    for (let minute = 0; minute < 5; minute += 1) ids.push(await insert(`${word} number ${minute}`, 'The same body for every one.', at(minute)));
    const newestFirst = [...ids].reverse();

    expect(await search(word, { page: 2, pageSize: 2 })).toEqual({ ids: newestFirst.slice(2, 4), total: 5 });
    expect(await search(word, { page: 3, pageSize: 2 })).toEqual({ ids: newestFirst.slice(4), total: 5 });
    expect(await search(word, { page: 4, pageSize: 2 })).toEqual({ ids: [], total: 5 });
  });

  it('should read q as websearch syntax: every word, "a phrase", or, -word', async () => {
    const word = marker();
    const roses = await insert(`${word} red roses`, 'Prune the roses in early spring.', at(1));
    const tulips = await insert(`${word} tulips`, 'Plant the bulbs before the frost, not roses.', at(2));
    const ferns = await insert(`${word} ferns`, 'Ferns like the shade.', at(3));

    expect((await search(`${word} roses`, { sortBy: 'created_at' })).ids).toEqual([tulips, roses]);
    expect((await search(`${word} "red roses"`)).ids).toEqual([roses]);
    expect((await search(`${word} "roses red"`)).ids).toEqual([]);
    expect((await search(`${word} roses -tulips`)).ids).toEqual([roses]);
    // or binds looser than the implied and, and parentheses are not operators: "a b or a c" is (a & b) | (a & c).
    expect((await search(`${word} ferns or ${word} tulips`, { sortBy: 'created_at' })).ids).toEqual([ferns, tulips]);
    expect((await search(`${word} ROSES`, { sortBy: 'created_at' })).ids).toEqual([tulips, roses]);
  });

  it('should answer an empty page when nothing matches', async () => {
    expect(await search(`${marker()} ${marker()}`)).toEqual({ ids: [], total: 0 });
  });

  it.each([
    `'`,
    `"`,
    `"unterminated phrase`,
    `\\`,
    `:*`,
    `a:* & b | !c`,
    `&|!()<>:*'"`,
    `' OR 1=1 --`,
    `'); DROP TABLE content_items; --`,
    `%_%`,
    `$1 $2`,
    `-`,
    `or`,
    `- - or or - "" ()`,
    `\u202eevil\u202c`,
    `🙂🙂🙂`,
    `<script>alert(1)</script>`,
    '('.repeat(200),
    'a<->'.repeat(50),
  ])('should answer without an error when q is %j', async (q) => {
    await expect(search(q)).resolves.toEqual({ ids: expect.any(Array), total: expect.any(Number) });
  });

  it('should store and search a content longer than a tsvector could hold, matching only its first 100 000 characters', async () => {
    const word = marker();
    // Two-letter words that are all different: 400 000 characters of them would make a tsvector over its 1 MB cap.
    const filler = Array.from({ length: 133_000 }, (_, n) => String.fromCodePoint(0x4e00 + (n % 20_000), 0x4e00 + Math.floor(n / 20_000))).join(' ');
    const id = await insert(`${word} long read`, `${filler} tailword${word}`);

    expect((await search(word)).ids).toEqual([id]);
    expect((await search(`tailword${word}`)).ids).toEqual([]);
  });

  it('should load the items in the order asked, each with its author name, leaving out ids that are gone', async () => {
    const word = marker();
    const first = await insert(`${word} one`, 'First body text.', at(1));
    const second = await insert(`${word} two`, 'Second body text.', at(2));

    const items = await new ContentItemsRepository(dataSource).findWithAuthorsInOrder([second, randomUUID(), first], timeout);

    expect(items.map((entry) => entry.item.id)).toEqual([second, first]);
    expect(items[0]).toMatchObject({
      item: { id: second, authorId, title: `${word} two`, content: 'Second body text.', image: null, createdAt: new Date(at(2)), updatedAt: new Date(at(2)) },
      author: { id: authorId, name: 'Ada Writer' },
    });
  });

  it('should walk every item in batches and tell which ids are still stored', async () => {
    const word = marker();
    const ids = [await insert(`${word} a`, 'Body text one.'), await insert(`${word} b`, 'Body text two.')];
    const seen: string[] = [];
    for await (const batch of sut.streamAll(2)) {
      expect(batch.length).toBeLessThanOrEqual(2);
      seen.push(...batch.map((entry) => entry.id));
    }

    expect(seen).toEqual(expect.arrayContaining(ids));
    expect(await sut.existingIds([ids[0], randomUUID()])).toEqual(new Set([ids[0]]));
  });
});

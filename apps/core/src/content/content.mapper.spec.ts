import { randomUUID } from 'node:crypto';
import { ContentWithAuthor } from '@app/persistence';
import { itemJsonParts, toContentReply, toContentView } from './content.mapper';

const found = (name: string, title = 'A "quoted" title with \\ and \u2028'): ContentWithAuthor => {
  const authorId = randomUUID();
  return {
    item: { id: randomUUID(), authorId, title, content: 'Line one\nline two </script>', image: null, version: 4, createdAt: new Date(0), updatedAt: new Date(1000) },
    author: { id: authorId, name, version: 9 },
  };
};

describe('content mapper', () => {
  it.each(['Ada', 'Zoë "Z" O\'Neil', '😀 \\ \u0001'])('should cut the item JSON around the author name %j so the parts rejoin to the view', (name) => {
    const content = found(name);
    const { head, tail } = itemJsonParts(content.item);

    const body = `${head}${JSON.stringify(name)}${tail}`;

    expect(body).toBe(JSON.stringify(toContentView(content)));
    expect(JSON.parse(body)).toEqual(toContentView(content));
  });

  it('should answer the body and an ETag from the item and author versions', () => {
    const content = found('Ada');
    expect(toContentReply(content)).toEqual({ body: JSON.stringify(toContentView(content)), etag: '"4.9"' });
  });

  it('should show the author as id and name only', () => {
    expect(Object.keys(toContentView(found('Ada')).author)).toEqual(['id', 'name']);
  });
});

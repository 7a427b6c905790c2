import { randomUUID } from 'node:crypto';
import { Actor } from '@app/contracts';
import { ContentWithAuthor } from '@app/persistence';
import { assertMayWrite, assertWritable } from './content-write.support';

const authorId = randomUUID();
const found: ContentWithAuthor = {
  item: { id: randomUUID(), authorId, title: 'Title', content: 'Some content.', image: null, version: 3, createdAt: new Date(), updatedAt: new Date() },
  author: { id: authorId, name: 'Author', version: 1 },
};

describe('content authorization', () => {
  it.each<[string, Actor]>([
    ['the author', { id: authorId, role: 'user' }],
    ['an admin', { id: randomUUID(), role: 'admin' }],
    ['an admin who is the author', { id: authorId, role: 'admin' }],
  ])('should let %s change the item', (_, actor) => {
    expect(() => assertWritable(found, actor)).not.toThrow();
  });

  it.each<[string, Actor]>([
    ['another user', { id: randomUUID(), role: 'user' }],
    ['a readonly user', { id: randomUUID(), role: 'readonly' }],
    ['a readonly author', { id: authorId, role: 'readonly' }],
  ])('should refuse %s with FORBIDDEN', (_, actor) => {
    expect(() => assertWritable(found, actor)).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });

  it('should answer CONTENT_NOT_FOUND before FORBIDDEN when the item does not exist', () => {
    expect(() => assertWritable(null, { id: randomUUID(), role: 'user' })).toThrow(expect.objectContaining({ code: 'CONTENT_NOT_FOUND' }));
  });

  it('should let users and admins create but not readonly', () => {
    expect(() => assertMayWrite({ id: randomUUID(), role: 'user' })).not.toThrow();
    expect(() => assertMayWrite({ id: randomUUID(), role: 'admin' })).not.toThrow();
    expect(() => assertMayWrite({ id: randomUUID(), role: 'readonly' })).toThrow(expect.objectContaining({ code: 'FORBIDDEN' }));
  });
});

import { plainToInstance } from 'class-transformer';
import { validateSync } from 'class-validator';
import { ContentFields, ContentPatchFields } from './content.payloads';

const problems = (type: new () => object, body: object) =>
  validateSync(plainToInstance(type, body), { whitelist: true, forbidNonWhitelisted: true }).map((error) => error.property);
const valid = { title: 'Title', content: 'Ten chars!', image: 'https://example.com/x.png' };

describe('content fields', () => {
  it.each([
    ['the shortest title and content', { ...valid, title: 'abc', content: '0123456789' }],
    ['the longest title, in code points', { ...valid, title: '😀'.repeat(200) }],
    ['an http image', { ...valid, image: 'http://example.com/x.png' }],
    ['no image', { title: valid.title, content: valid.content }],
    ['a null image', { ...valid, image: null }],
  ])('should accept %s', (_, body) => {
    expect(problems(ContentFields, body)).toEqual([]);
  });

  it.each([
    ['a 2-character title', { ...valid, title: 'ab' }, 'title'],
    ['a 201-character title', { ...valid, title: 'x'.repeat(201) }, 'title'],
    ['a title with NUL', { ...valid, title: 'a\u0000bc' }, 'title'],
    ['a 9-character content', { ...valid, content: '123456789' }, 'content'],
    ['a content that is a number', { ...valid, content: 1234567890 }, 'content'],
    ['an ftp image', { ...valid, image: 'ftp://example.com/x' }, 'image'],
    ['a javascript: image', { ...valid, image: 'javascript:alert(1)' }, 'image'],
    ['an image without protocol', { ...valid, image: 'example.com/x.png' }, 'image'],
    ['a 2049-character image', { ...valid, image: `https://example.com/${'a'.repeat(2029)}` }, 'image'],
    ['an unknown field', { ...valid, views: 3 }, 'views'],
  ])('should refuse %s', (_, body, field) => {
    expect(problems(ContentFields, body)).toEqual([field]);
  });

  it('should accept any subset in a patch, and null only for the image', () => {
    expect(problems(ContentPatchFields, { title: 'New title' })).toEqual([]);
    expect(problems(ContentPatchFields, { image: null })).toEqual([]);
    expect(problems(ContentPatchFields, {})).toEqual([]);
    expect(problems(ContentPatchFields, { title: null, content: null })).toEqual(['title', 'content']);
    expect(problems(ContentPatchFields, { content: 'short' })).toEqual(['content']);
  });
});

import { toContentDocument } from './content-documents.util';
import { CONTENT_INDEX_BODY } from './content-index.mapping';
import { ORDER_INDEX_BODY } from './order-index.mapping';

// A user's erasure (EraseUserUseCase) leaves the search index alone because no index document holds a name,
// e-mail or phone: content and orders carry the user's id only, and the mappings are strict, so no other field
// can appear. A field added here (say an author name) must come with a reindex of the user's documents on erasure.
describe('search documents and personal data', () => {
  it('should map content and orders with the user as an id only, under strict mappings', () => {
    expect(CONTENT_INDEX_BODY.mappings?.dynamic).toBe('strict');
    expect(ORDER_INDEX_BODY.mappings.dynamic).toBe('strict');
    expect(Object.keys(CONTENT_INDEX_BODY.mappings?.properties ?? {}).sort()).toEqual([
      'author_id',
      'content',
      'created_at',
      'id',
      'image',
      'search_text',
      'title',
      'updated_at',
    ]);
    expect(Object.keys(ORDER_INDEX_BODY.mappings.properties ?? {}).sort()).toEqual(['amount', 'created_at', 'currency', 'id', 'plan_id', 'product_name', 'user_id']);
  });

  it('should build a content document without any author field but the id, whatever the event carries', () => {
    const event = {
      id: '6f1c2a4e-0b7d-4c3e-9a51-2d8e7f6a5b4c',
      author_id: '0d9e8f7a-6b5c-4d3e-8f2a-1b0c9d8e7f6a',
      title: 'A title',
      content: 'Some content text.',
      image: null,
      created_at: '2025-03-01T10:00:00.000Z',
      updated_at: '2025-03-01T10:00:00.000Z',
      author_name: 'Ottilie Vexworth',
      email: 'ottilie@example.com',
    };

    const document = toContentDocument(event);

    expect(JSON.stringify(document)).not.toMatch(/Ottilie|ottilie@/);
    expect(document.author_id).toBe(event.author_id);
  });
});

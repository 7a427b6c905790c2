import { IndexBody } from './elasticsearch-index.util';

export const CONTENT_INDEX = 'content';

export const CONTENT_INDEX_BODY: IndexBody = {
  settings: {},
  mappings: {
    // Strict: a document the mapping does not know fails its write instead of growing the mapping.
    dynamic: 'strict',
    // search_text repeats title and content; the index needs it, the stored source does not.
    _source: { excludes: ['search_text'] },
    properties: {
      id: { type: 'keyword' },
      author_id: { type: 'keyword' },
      // Scored separately, so a match in the title ranks above one in the content (Postgres: weight A over B).
      title: { type: 'text', analyzer: 'standard' },
      content: { type: 'text', analyzer: 'standard' },
      image: { type: 'keyword', index: false, doc_values: false },
      created_at: { type: 'date' },
      updated_at: { type: 'date' },
      // What q matches: title then content as one text, as the Postgres search_vector concatenates them.
      search_text: { type: 'text', analyzer: 'standard' },
    },
  },
};

import type { estypes } from '@elastic/elasticsearch';
import { ContentSearchQuery } from '../content-search.port';
import { parseWebsearch, websearchQuery, WebsearchNode } from './websearch-query.util';

type Query = estypes.QueryDslQueryContainer;

// index.max_result_window: a page past it would be refused by the cluster, so only the total is asked for.
export const MAX_RESULT_WINDOW = 10_000;

// Title matches weigh more, as Postgres' ts_rank weighs A (1.0) over B (0.4).
export const TITLE_BOOST = 2.5;

// The same matches, order and page as ContentSearchRepository.search: q over search_text as
// websearch_to_tsquery reads it; relevance from the phrases q asks for (never those it negates).
export function contentSearchRequest(query: ContentSearchQuery): Omit<estypes.SearchRequest, 'index'> {
  const order = query.order;
  const relevance = query.sortBy === 'relevance';
  const should = relevance ? scoringQueries(query.q) : [];
  const from = (query.page - 1) * query.pageSize;
  const pastWindow = from + query.pageSize > MAX_RESULT_WINDOW;
  return {
    query: { bool: { filter: [websearchQuery(query.q, 'search_text')], ...(should.length > 0 && { should }) } },
    sort: [...(relevance ? [{ _score: { order } }] : []), { created_at: { order } }, { id: { order } }],
    from: pastWindow ? 0 : from,
    size: pastWindow ? 0 : query.pageSize,
    track_total_hits: true,
    _source: false,
    // Before the first write there is no index yet: nothing matches, as in an empty Postgres.
    ignore_unavailable: true,
  };
}

function scoringQueries(q: string): Query[] {
  const tree = parseWebsearch(q);
  const phrases = tree ? [...new Set(positivePhrases(tree))] : [];
  return phrases.flatMap((text) => [{ match_phrase: { title: { query: text, boost: TITLE_BOOST } } }, { match_phrase: { content: { query: text } } }]);
}

function positivePhrases(node: WebsearchNode): string[] {
  switch (node.kind) {
    case 'phrase':
      return [node.text];
    case 'not':
      return [];
    case 'and':
    case 'or':
      return [...positivePhrases(node.left), ...positivePhrases(node.right)];
  }
}

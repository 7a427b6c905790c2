import { parseWebsearch, WebsearchNode, websearchQuery } from './websearch-query.util';

// Prints a tree the way Postgres prints a tsquery (lexemes lowercased, a phrase as <->, parentheses only where a
// looser operator sits under a tighter one), so the expectations below are Postgres' own answers.
const PRIORITY = { or: 1, and: 2, phrase: 3, not: 4 };
function print(node: WebsearchNode | null, parent = 0): string {
  if (node === null) return '';
  const wrap = (text: string, priority: number) => (priority < parent ? `( ${text} )` : text);
  switch (node.kind) {
    case 'phrase': {
      const lexemes = node.text
        .toLowerCase()
        .split(/[^\p{L}\p{N}.]+/u)
        .filter(Boolean);
      return wrap(lexemes.map((lexeme) => `'${lexeme}'`).join(' <-> '), lexemes.length > 1 ? PRIORITY.phrase : PRIORITY.not);
    }
    case 'not':
      return wrap(`!${print(node.operand, PRIORITY.not)}`, PRIORITY.not);
    default:
      return wrap(`${print(node.left, PRIORITY[node.kind])} ${node.kind === 'and' ? '&' : '|'} ${print(node.right, PRIORITY[node.kind])}`, PRIORITY[node.kind]);
  }
}

describe('parseWebsearch', () => {
  const sut = parseWebsearch;

  // Left: q. Right: websearch_to_tsquery('simple', q)::text from PostgreSQL 15 (the same code since 12).
  it.each([
    ['Yearly physical', "'yearly' & 'physical'"],
    ['a or b c', "'a' | 'b' & 'c'"],
    ['a OR b', "'a' | 'b'"],
    ['a or or b', "'a' | 'or' & 'b'"],
    ['a or', "'a' & 'or'"],
    ['or a', "'or' & 'a'"],
    ['"a or b"', "'a' <-> 'or' <-> 'b'"],
    ['"a b" or', "'a' <-> 'b' & 'or'"],
    ['a or"b c"', "'a' | 'b' <-> 'c'"],
    ['a -b', "'a' & !'b'"],
    ['a - b', "'a' & !'b'"],
    ['-a or b', "!'a' | 'b'"],
    ['--a', "!!'a'"],
    ['-a -b or c d -e', "!'a' & !'b' | 'c' & 'd' & !'e'"],
    ['"well baby" -crab', "'well' <-> 'baby' & !'crab'"],
    ['a -"b c"', "'a' & !( 'b' <-> 'c' )"],
    ['"a -b"', "'a' <-> 'b'"],
    ['a "b', "'a' & 'b'"],
    ['a&b', "'a' & 'b'"],
    ['a|b', "'a' & 'b'"],
    ['a(b)c', "'a' & 'b' & 'c'"],
    ['a:b', "'a' & 'b'"],
    ['foo:*', "'foo'"],
    ['x<->y', "'x' & !'y'"],
    ['!a', "'a'"],
    ['a ... b', "'a' & 'b'"],
    ['a - ... or b', "'a' | 'b'"],
    ['a -', "'a'"],
    ['example.com', "'example.com'"],
    ['a\u3000-b', "'a' & !'b'"],
    ['a\u00a0b', "'a' <-> 'b'"],
  ])('should give what Postgres gives when q is %j', (q, tsquery) => {
    expect(print(sut(q))).toBe(tsquery);
  });

  it.each(['', '   ', '...', '-', '"" !'])('should give no query when q %j has no word', (q) => {
    expect(sut(q)).toBeNull();
  });
});

describe('websearchQuery', () => {
  const sut = websearchQuery;

  it('should nest AND in OR with NOT as must_not and words as phrases when q mixes them', () => {
    expect(sut('a "b c" or -d', 'text')).toEqual({
      bool: {
        should: [{ bool: { filter: [{ match_phrase: { text: 'a' } }, { match_phrase: { text: 'b c' } }] } }, { bool: { must_not: [{ match_phrase: { text: 'd' } }] } }],
        minimum_should_match: 1,
      },
    });
  });

  it('should match nothing when q has no word', () => {
    expect(sut('!!', 'text')).toEqual({ match_none: {} });
  });
});

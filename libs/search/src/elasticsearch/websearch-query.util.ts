import type { estypes } from '@elastic/elasticsearch';

// A port of Postgres' websearch_to_tsquery (PG 12+, tsquery.c) to an Elasticsearch query, so `q` means the same
// in both backends: words are ANDed, "quoted text" is a phrase, `or` between operands is OR (binding looser than
// AND), a leading `-` is NOT, every other operator character is ignored; a word is a phrase of its own tokens.
export type WebsearchNode =
  { kind: 'phrase'; text: string } | { kind: 'not'; operand: WebsearchNode } | { kind: 'and' | 'or'; left: WebsearchNode; right: WebsearchNode };

type Operator = 'not' | 'and' | 'or';
type Token = { operator: Operator } | { value: string };

// t_isspace() in a UTF-8 database: glibc's iswspace(), which leaves out the no-break spaces.
const SPACE = /[\t\n\v\f\r \u1680\u2000-\u2006\u2008-\u200a\u2028\u2029\u205f\u3000]/;
const OPERATOR_CHARS = new Set(['!', '&', '|', '(', ')', '<']);
const ALNUM = /[\p{L}\p{N}]/u;
const PRIORITY: Record<Operator, number> = { not: 4, and: 2, or: 1 };

// The query tree, or null when q has no searchable word (Postgres then matches nothing).
export function parseWebsearch(q: string): WebsearchNode | null {
  const operands: Array<WebsearchNode | null> = []; // null: a value without lexemes, dropped as Postgres does
  const operators: Operator[] = [];
  const apply = (operator: Operator) => {
    if (operator === 'not') {
      const operand = operands.pop() ?? null;
      operands.push(operand && { kind: 'not', operand });
      return;
    }
    const right = operands.pop() ?? null;
    const left = operands.pop() ?? null;
    operands.push(left && right ? { kind: operator, left, right } : (left ?? right));
  };
  for (const token of tokenize(q)) {
    if ('value' in token) {
      operands.push(ALNUM.test(token.value) ? { kind: 'phrase', text: token.value } : null);
      continue;
    }
    // Shunting-yard with Postgres' priorities; NOT is right-associative, AND and OR left-associative.
    for (let top = operators.at(-1); top !== undefined; top = operators.at(-1)) {
      const stop = token.operator === 'not' ? PRIORITY.not >= PRIORITY[top] : PRIORITY[token.operator] > PRIORITY[top];
      if (stop) break;
      apply(operators.pop() as Operator);
    }
    operators.push(token.operator);
  }
  while (operators.length > 0) apply(operators.pop() as Operator);
  return operands.pop() ?? null;
}

export function websearchQuery(q: string, field: string): estypes.QueryDslQueryContainer {
  const tree = parseWebsearch(q);
  return tree ? toQuery(tree, field) : { match_none: {} };
}

function toQuery(node: WebsearchNode, field: string): estypes.QueryDslQueryContainer {
  switch (node.kind) {
    case 'phrase':
      return { match_phrase: { [field]: node.text } };
    case 'not':
      return { bool: { must_not: [toQuery(node.operand, field)] } };
    case 'and':
      return { bool: { filter: chain(node, 'and').map((operand) => toQuery(operand, field)) } };
    case 'or':
      return { bool: { should: chain(node, 'or').map((operand) => toQuery(operand, field)), minimum_should_match: 1 } };
  }
}

// a AND (b AND c) as one list: a, b, c.
function chain(node: WebsearchNode, kind: 'and' | 'or'): WebsearchNode[] {
  return node.kind === kind ? [...chain(node.left, kind), ...chain(node.right, kind)] : [node];
}

// gettoken_query_websearch: the states and the character classes as Postgres has them.
function tokenize(q: string): Token[] {
  const chars = Array.from(q);
  const tokens: Token[] = [];
  let state: 'first-operand' | 'operand' | 'operator' = 'first-operand';
  let i = 0;
  for (;;) {
    const char = chars[i];
    if (state === 'operator') {
      if (char === undefined) return tokens;
      if (isOrOperator(chars, i)) {
        tokens.push({ operator: 'or' });
        state = 'operand';
        i += 2;
      } else if (OPERATOR_CHARS.has(char)) i += 1;
      else if (!SPACE.test(char)) {
        tokens.push({ operator: 'and' }); // implicit AND, the operand is read next
        state = 'operand';
      } else i += 1;
      continue;
    }
    if (char === undefined) {
      // "a -" or "a or (": the missing operand is a stop word, dropped later
      if (state === 'operand') tokens.push({ value: '' });
      return tokens;
    }
    if (char === '-') {
      tokens.push({ operator: 'not' });
      state = 'operand';
      i += 1;
    } else if (char === '"') {
      const end = chars.indexOf('"', i + 1);
      tokens.push({ value: chars.slice(i + 1, end === -1 ? chars.length : end).join('') });
      state = 'operator';
      i = end === -1 ? chars.length : end + 1;
    } else if (OPERATOR_CHARS.has(char)) {
      state = 'operand';
      i += 1;
    } else if (!SPACE.test(char)) {
      // A word runs to a space, an operator character, a quote or a colon (the first character is always taken).
      const start = i;
      i += 1;
      while (i < chars.length && !SPACE.test(chars[i]) && !OPERATOR_CHARS.has(chars[i]) && chars[i] !== '"' && chars[i] !== ':') i += 1;
      tokens.push({ value: chars.slice(start, i).join('') });
      state = 'operator';
    } else i += 1;
  }
}

// parse_or_operator: "or" (any case) not glued to a word, with some operand after it.
function isOrOperator(chars: string[], at: number): boolean {
  if ((chars[at] ?? '').toLowerCase() !== 'o' || (chars[at + 1] ?? '').toLowerCase() !== 'r') return false;
  const next = chars[at + 2];
  if (next === undefined || next === '-' || next === '_' || ALNUM.test(next)) return false;
  for (let i = at + 3; i < chars.length; i += 1) if (!SPACE.test(chars[i])) return true;
  return false;
}

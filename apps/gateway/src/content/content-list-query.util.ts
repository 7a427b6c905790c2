import { CONTENT_SORT_FIELDS, ListContentPayload } from '@app/contracts';

const DEFAULTS: ListContentPayload = { page: 1, page_size: 20, sort_by: 'created_at', order: 'desc' };
const PAGE = /^[1-9]\d{0,6}$/;
const PAGE_SIZE = /^[1-9]\d{0,2}$/;

// The list query in its plain form, for the cache fast path: only the four parameters, once each, in their usual
// spelling and in range. Anything else (null) goes to the Nest route, whose ListContentQueryDto answers it, 400
// included; so this accepts a subset of what the DTO accepts, with the same defaults.
export function canonicalListQuery(query: Record<string, unknown> | undefined): ListContentPayload | null {
  const result = { ...DEFAULTS };
  for (const [name, value] of Object.entries(query ?? {})) {
    if (typeof value !== 'string') return null;
    switch (name) {
      case 'page':
        if (!PAGE.test(value) || Number(value) > 1_000_000) return null;
        result.page = Number(value);
        break;
      case 'page_size':
        if (!PAGE_SIZE.test(value) || Number(value) > 100) return null;
        result.page_size = Number(value);
        break;
      case 'sort_by':
        if (!(CONTENT_SORT_FIELDS as readonly string[]).includes(value)) return null;
        result.sort_by = value as ListContentPayload['sort_by'];
        break;
      case 'order':
        if (value !== 'asc' && value !== 'desc') return null;
        result.order = value;
        break;
      default:
        return null;
    }
  }
  return result;
}

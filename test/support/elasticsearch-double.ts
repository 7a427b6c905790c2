import { Client, errors } from '@elastic/elasticsearch';
import Mock from '@elastic/elasticsearch-mock';

export interface SentRequest {
  method: string;
  path: string;
  querystring: Record<string, unknown>;
  body: unknown;
}

interface Entry {
  version: number;
  source?: Record<string, unknown>; // unset: a delete's tombstone
}

const responseError = (statusCode: number, type: string, body: Record<string, unknown> = {}) =>
  new errors.ResponseError({ body: { error: { type, reason: `${type} reason` }, status: statusCode, ...body }, statusCode, warnings: null, meta: {} as never });

// A one-index Elasticsearch double over @elastic/elasticsearch-mock for document writes with external_gte
// versions, as the real engine applies them: a write or delete with a version below the document's (or its
// tombstone's) is a 409, a delete leaves a tombstone even for an id never written, and every request is recorded.
// Searches answer match_all sorted by id with search_after (what a rebuild's clean-up asks); anything else is
// answered by `onSearch`.
export class VersionedIndexDouble {
  readonly sent: SentRequest[] = [];
  readonly entries = new Map<string, Entry>();
  readonly client: Client;
  private created = false;
  onSearch?: (body: any) => Record<string, unknown>;

  constructor(readonly index: string) {
    const mock = new Mock();
    this.client = new Client({ node: 'http://localhost:9200', Connection: mock.getConnection() });
    const on = (method: string, path: string, reply: (params: { path: string; querystring: Record<string, string>; body: any }) => unknown) =>
      mock.add({ method, path }, (params) => {
        const request = { path: params.path as string, querystring: params.querystring ?? {}, body: params.body ?? undefined };
        this.sent.push({ method, ...request });
        return reply(request) as Record<string, unknown>;
      });
    on('PUT', `/${index}`, () => {
      if (this.created) return responseError(400, 'resource_already_exists_exception');
      this.created = true;
      return { acknowledged: true, index };
    });
    on('PUT', `/${index}/_doc/:id`, ({ path, querystring, body }) => this.write(idOf(path), Number(querystring.version), body));
    on('DELETE', `/${index}/_doc/:id`, ({ path, querystring }) => this.remove(idOf(path), Number(querystring.version)));
    for (const method of ['GET', 'POST']) on(method, `/${index}/_refresh`, () => ({ _shards: { total: 1, successful: 1, failed: 0 } }));
    on('POST', `/${index}/_bulk`, ({ body }) => this.bulk(body as Array<Record<string, any>>));
    on('POST', `/${index}/_search`, ({ body }) => this.search(body));
  }

  documents(): Map<string, Record<string, unknown>> {
    return new Map([...this.entries].filter(([, entry]) => entry.source).map(([id, entry]) => [id, entry.source!]));
  }

  requestsFor(id: string): SentRequest[] {
    return this.sent.filter((request) => request.path.endsWith(`/_doc/${id}`));
  }

  private write(id: string, version: number, source: Record<string, unknown>) {
    const current = this.entries.get(id);
    if (current && version < current.version) return responseError(409, 'version_conflict_engine_exception');
    this.entries.set(id, { version, source });
    return { _index: this.index, _id: id, _version: version, result: current?.source ? 'updated' : 'created', status: current?.source ? 200 : 201 };
  }

  private remove(id: string, version: number) {
    const current = this.entries.get(id);
    if (current && version < current.version) return responseError(409, 'version_conflict_engine_exception');
    this.entries.set(id, { version });
    if (!current?.source) return responseError(404, 'not_found', { result: 'not_found' });
    return { _index: this.index, _id: id, _version: version, result: 'deleted', status: 200 };
  }

  private bulk(lines: Array<Record<string, any>>) {
    const items: Array<Record<string, unknown>> = [];
    for (let i = 0; i < lines.length; i += 1) {
      const [action, meta] = Object.entries(lines[i])[0] as [string, { _id: string; version: number }];
      const outcome = action === 'index' ? this.write(meta._id, meta.version, lines[++i]) : this.remove(meta._id, meta.version);
      const status = outcome instanceof errors.ResponseError ? outcome.statusCode! : outcome.status;
      const error = outcome instanceof errors.ResponseError && status !== 404 ? { error: { type: 'version_conflict_engine_exception', reason: 'conflict' } } : {};
      items.push({ [action]: { _index: this.index, _id: meta._id, status, ...error } });
    }
    return { took: 1, errors: items.some((item) => Object.values(item)[0] && (Object.values(item)[0] as { error?: unknown }).error), items };
  }

  private search(body: any) {
    if (!body?.query?.match_all) {
      if (!this.onSearch) throw new Error('the double answers only the clean-up search unless onSearch is set');
      return this.onSearch(body);
    }
    const after = body.search_after?.[0] as string | undefined;
    const ids = [...this.documents().keys()].sort().filter((id) => after === undefined || id > after);
    const page = ids.slice(0, body.size as number);
    return { took: 1, timed_out: false, hits: { total: { value: page.length, relation: 'eq' }, hits: page.map((id) => ({ _index: this.index, _id: id, sort: [id] })) } };
  }
}

function idOf(path: string): string {
  return decodeURIComponent(path.split('/').pop()!);
}

import { join } from 'node:path';
import fc from 'fast-check';
import { Client } from 'pg';
import { ApiClient, expectErrorEnvelope, loginAdmin, signupAndLogin } from '../support/api-client';
import { eventually } from '../support/eventually';
import {
  deepArray,
  deepObject,
  DuplicateKeys,
  HOSTILE_KEYS,
  hostileString,
  hostileUrlPart,
  hostileValue,
  jsonText,
  RawJson,
  urlEncode,
  valuePaths,
  withValueAt,
} from '../support/hostile-input';
import { Platform, startPlatform } from '../support/platform';
import { makePlan } from '../support/plans';
import { TEST_ENV } from '../support/test-env';

// The hostile-input tier. Every operation of the gateway's own OpenAPI document (so a route added later is
// covered without editing this file) gets fixed hostile cases with exact expectations, then generated ones
// (fast-check, fixed seed, printed on failure). Every answer must be a correct 2xx or a 4xx in the error
// envelope: never a 5xx, never a dropped connection. Afterwards every app is still ready, no half-stored
// record exists, and no process has a polluted prototype.

const SEED = Number(process.env.HOSTILE_SEED ?? 20261201);
const RUNS_PER_OPERATION = Number(process.env.HOSTILE_RUNS ?? 80);
const PROBE = join(__dirname, '..', 'support', 'pollution-probe.js');
const BODY_METHODS = new Set(['post', 'put', 'patch', 'delete']);
const METHODS = ['get', 'post', 'put', 'patch', 'delete'] as const;

interface Operation {
  method: (typeof METHODS)[number];
  path: string; // OpenAPI template, e.g. /api/v1/plans/{id}
  pathParams: string[];
  queryParams: string[];
  sample: unknown; // a valid-looking body, from the document's example or schema
}

interface Attempt {
  method: string;
  url: string;
  contentType?: string;
  body?: string;
  headers?: Record<string, string>;
}

type Doc = { paths: Record<string, Record<string, any>>; components?: { schemas?: Record<string, any> } };

function resolveRef(doc: Doc, schema: any): any {
  let current = schema;
  for (let hops = 0; current?.$ref && hops < 10; hops++) current = doc.components?.schemas?.[String(current.$ref).split('/').pop()!];
  return current;
}

// A best-effort valid body from the document: its example, else one built from the schema's properties.
function sampleFromSchema(doc: Doc, schema: any, depth = 0): unknown {
  const resolved = resolveRef(doc, schema);
  if (!resolved || depth > 8) return {};
  if (resolved.example !== undefined) return resolved.example;
  if (resolved.enum) return resolved.enum[0];
  if (resolved.const !== undefined) return resolved.const;
  const composite = resolved.allOf ?? resolved.oneOf ?? resolved.anyOf;
  if (composite) return sampleFromSchema(doc, composite[0], depth + 1);
  switch (resolved.type) {
    case 'object':
      return Object.fromEntries(Object.entries(resolved.properties ?? {}).map(([key, child]) => [key, sampleFromSchema(doc, child, depth + 1)]));
    case 'array':
      return [sampleFromSchema(doc, resolved.items, depth + 1)];
    case 'integer':
    case 'number':
      return resolved.minimum ?? 1;
    case 'boolean':
      return true;
    case 'string':
      if (resolved.format === 'email') return 'hostile@example.com';
      if (resolved.format === 'uri' || resolved.format === 'url') return 'https://example.com/x';
      if (resolved.format === 'uuid') return '00000000-0000-4000-8000-000000000000';
      return 'valid-text-1';
    default:
      return {};
  }
}

const valueAt = (value: unknown, path: string[]): unknown => path.reduce<any>((node, key) => node?.[key], value);
const isEmptyObject = (value: unknown) => value !== null && typeof value === 'object' && !Array.isArray(value) && Object.keys(value).length === 0;

function operationsOf(doc: Doc): Operation[] {
  return Object.entries(doc.paths).flatMap(([path, item]) =>
    METHODS.filter((method) => item[method]).map((method) => {
      const operation = item[method];
      const parameters: any[] = [...(item.parameters ?? []), ...(operation.parameters ?? [])];
      const content = operation.requestBody?.content ?? {};
      const schema = (content['application/json'] ?? content['application/merge-patch+json'] ?? (Object.values(content)[0] as any))?.schema;
      return {
        method,
        path,
        pathParams: parameters.filter((p) => p.in === 'path').map((p) => p.name),
        queryParams: parameters.filter((p) => p.in === 'query').map((p) => p.name),
        sample: schema ? sampleFromSchema(doc, schema) : {},
      };
    }),
  );
}

describe('hostile input on every route (e2e)', () => {
  let platform: Platform;
  let api: ApiClient;
  let adminToken: string;
  let userToken: string;
  // DELETE /users/me closes the account whose token it is sent with: its own user, so userToken stays usable.
  let closingToken: string;
  let ids: string[];
  let doc: Doc;
  let operations: Operation[];
  const failures: string[] = [];

  beforeAll(async () => {
    const probed = { NODE_OPTIONS: `--require ${PROBE}`, RPC_TIMEOUT_MS: '5000' };
    // The scheduler answers the admin sync routes. Its provider is a closed port: what the feed holds does not
    // matter here, and the tier must not reach a provider simulator someone else is running.
    const scheduler = { ...probed, PROVIDER_URL: 'http://127.0.0.1:9/feed' };
    platform = await startPlatform(3400, ['core', 'gateway', 'indexer', 'scheduler'], { core: probed, gateway: probed, indexer: probed, scheduler });
    api = platform.api;
    adminToken = (await loginAdmin(api)).accessToken;
    const user = await signupAndLogin(api);
    userToken = user.accessToken;
    closingToken = (await signupAndLogin(api)).accessToken;
    doc = (await api.get('/openapi.json')).body;
    // The plan routes declare their body as a bare object (the plan's JSON Schema is plan.schema.json, not the
    // document), which would leave nothing valid to corrupt: the contract's example stands in, a fresh plan for
    // POST and a stored one for PUT and PATCH (its id is one of the path ids), so hostile values get past the
    // schema to decomposition and Postgres. The stored plan's id is as long as the schema allows (128), so the
    // router's parameter limit is exercised at its edge too.
    const stored = makePlan();
    stored.objectId = stored.objectId.padEnd(128, '0');
    const fallbacks: Record<string, unknown> = {
      'post /api/v1/plans': makePlan(),
      'put /api/v1/plans/{id}': stored,
      'patch /api/v1/plans/{id}': { planType: stored.planType, planCostShares: { copay: stored.planCostShares.copay, deductible: stored.planCostShares.deductible } },
    };
    operations = operationsOf(doc).map((op) => {
      const fallback = fallbacks[`${op.method} ${op.path}`];
      return fallback && isEmptyObject(op.sample) ? { ...op, sample: fallback } : op;
    });
    const putSample = operations.find((op) => op.method === 'put' && op.path.endsWith('/plans/{id}'))?.sample as { objectId?: string } | undefined;
    // Without a stored plan the plan routes would only ever answer 404: fail here rather than test nothing.
    expect(putSample?.objectId).toEqual(expect.any(String));
    expect((await api.post('/api/v1/plans', putSample, { token: adminToken })).status).toBe(201);
    const read = await api.get(`/api/v1/plans/${putSample!.objectId}`, { token: adminToken });
    expect({ status: read.status, error: read.body?.error?.message }).toEqual({ status: 200, error: undefined });
    ids = [user.id, '00000000-0000-4000-8000-000000000000', putSample!.objectId!];
  }, 90_000);

  afterAll(async () => {
    await platform?.stop();
  });

  function urlFor(operation: Operation, id: string, query = ''): string {
    const path = operation.pathParams.reduce((url, name) => url.replace(`{${name}}`, id), operation.path);
    return `${path}${query ? `?${query}` : ''}`;
  }

  async function send(attempt: Attempt, token = adminToken) {
    const headers: Record<string, string> = { ...(attempt.headers ?? {}) };
    if (token) headers.authorization = `Bearer ${token}`;
    if (attempt.contentType) headers['content-type'] = attempt.contentType;
    // fetch labels a string body text/plain; bytes go without a Content-Type, as the case says.
    const rawBody = attempt.body !== undefined && !attempt.contentType ? new TextEncoder().encode(attempt.body) : attempt.body;
    return api.request(attempt.method, attempt.url, { headers, rawBody });
  }

  // The rule every answer is held to; a thrown error here is a dropped connection or a broken envelope.
  async function check(attempt: Attempt, token?: string, expected?: { status: number; code?: string }): Promise<void> {
    const label = `${attempt.method} ${attempt.url.slice(0, 160)} ${attempt.contentType ?? '(no content-type)'} ${(attempt.body ?? '').slice(0, 120)}`;
    let response;
    try {
      response = await send(attempt, token);
    } catch (error) {
      failures.push(`${label}: connection failed: ${(error as Error).message}`);
      throw error;
    }
    try {
      expect(response.status).toBeLessThan(500);
      if (expected) expect({ status: response.status, code: response.body?.error?.code }).toMatchObject(expected.code ? expected : { status: expected.status });
      if (response.status >= 400) expectErrorEnvelope(response, response.status, response.body?.error?.code);
      else if (response.text) expect(() => JSON.parse(response.text)).not.toThrow();
    } catch (error) {
      failures.push(`${label}: ${response.status} ${response.text.slice(0, 300)}`);
      throw error;
    }
  }

  it('should answer the fixed hostile cases of every operation with the exact status', async () => {
    expect(operations.length).toBeGreaterThan(15);
    const errors: string[] = [];
    const attempt = async (a: Attempt, expected?: { status: number; code?: string }) => check(a, adminToken, expected).catch((e) => void errors.push(String(e)));
    for (const operation of operations) {
      for (const id of operation.pathParams.length ? ids : ['']) {
        const url = urlFor(operation, id);
        const method = operation.method.toUpperCase();
        const ifMatch = { 'if-match': '*' };
        // Parameters: NUL and a lone surrogate in a declared and an undeclared parameter, too many parameters.
        for (const name of [...operation.queryParams, 'unexpected']) {
          for (const value of ['%00', 'a%00b']) await attempt({ method, url: `${url}?${name}=${value}`, headers: ifMatch }, { status: 400, code: 'VALIDATION_ERROR' });
        }
        // Declared parameters out of any stored range: a 4xx, never a database error.
        for (const name of operation.queryParams) {
          for (const value of ['99999999999', '-99999999999', '1e309', '1.5']) await attempt({ method, url: `${url}?${name}=${value}` });
        }
        await attempt({ method, url: `${url}?${Array.from({ length: 40 }, (_, i) => `p${i}=1`).join('&')}` }, { status: 400, code: 'VALIDATION_ERROR' });
        if (operation.pathParams.length > 0) {
          for (const value of ['%00', 'a%00b', '%ED%A0%80', '%C0%80', '%E0%A4%A', 'p'.repeat(600)]) {
            await attempt({ method, url: urlFor(operation, value) }, { status: 400, code: 'VALIDATION_ERROR' });
          }
        }
        if (!BODY_METHODS.has(operation.method)) continue;
        // Bodies: JSON only (patch types on PATCH only), then the parsed value's rules.
        const json = operation.method === 'patch' ? 'application/merge-patch+json' : 'application/json';
        await attempt({ method, url, contentType: 'text/plain', body: '{"a":1}', headers: ifMatch }, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
        await attempt({ method, url, body: '{"a":1}', headers: ifMatch }, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
        await attempt({ method, url, contentType: 'application/x-www-form-urlencoded', body: 'a=1', headers: ifMatch }, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
        if (operation.method !== 'patch')
          await attempt({ method, url, contentType: 'application/merge-patch+json', body: '{"a":1}' }, { status: 415, code: 'UNSUPPORTED_MEDIA_TYPE' });
        const invalid: unknown[] = [
          deepObject(10_000),
          deepArray(10_000),
          deepObject(65),
          { x: '\u0000' },
          { x: '\ud800' },
          { ['a\u0000']: 1 },
          new DuplicateKeys([['__proto__', { polluted: true }]]),
          { constructor: { prototype: { polluted: true } } },
          { x: new RawJson('1e309') },
          new RawJson(`[${Array.from({ length: 30_000 }, () => '{}').join(',')}]`),
          { x: 'x'.repeat(100_001) },
        ];
        for (const body of invalid) await attempt({ method, url, contentType: json, body: jsonText(body), headers: ifMatch }, { status: 400, code: 'VALIDATION_ERROR' });
        if (operation.method === 'patch') {
          for (const path of ['/__proto__/polluted', '/constructor/prototype/polluted', '/a/__proto__']) {
            const patch = jsonText([{ op: 'add', path, value: true }]);
            await attempt({ method, url, contentType: 'application/json-patch+json', body: patch, headers: ifMatch }, { status: 400 });
          }
        }
        // A valid sample with each string made unstorable: refused as input, not left to the database.
        for (const path of valuePaths(operation.sample).filter((p) => typeof valueAt(operation.sample, p) === 'string')) {
          for (const text of ['a\u0000b', '\udc00']) {
            const body = jsonText(withValueAt(operation.sample, path, text));
            await attempt({ method, url, contentType: json, body, headers: ifMatch }, { status: 400, code: 'VALIDATION_ERROR' });
          }
        }
        // A valid sample with each number out of its field's range: a 4xx, never a database error.
        for (const path of valuePaths(operation.sample).filter((p) => typeof valueAt(operation.sample, p) === 'number')) {
          for (const number of ['99999999999', '-1', '1e309']) {
            const body = jsonText(withValueAt(operation.sample, path, new RawJson(number)));
            await attempt({ method, url, contentType: json, body, headers: ifMatch });
          }
        }
      }
    }
    expect(errors).toEqual([]);
  }, 120_000);

  it('should answer generated hostile requests to every operation with a 2xx or a 4xx envelope', async () => {
    const contentTypes = fc.oneof(
      { weight: 8, arbitrary: fc.constant('application/json') },
      {
        weight: 1,
        arbitrary: fc.constantFrom(
          'application/merge-patch+json',
          'application/json-patch+json',
          'text/plain',
          'application/json; charset=utf-8',
          'multipart/form-data; boundary=x',
        ),
      },
      { weight: 1, arbitrary: fc.constant(undefined) },
    );
    const tokens = fc.oneof(
      { weight: 6, arbitrary: fc.constant(adminToken) },
      { weight: 2, arbitrary: fc.constant(userToken) },
      { weight: 1, arbitrary: fc.constantFrom('', 'garbage', `${adminToken}x`) },
    );
    const ifMatch = fc.constantFrom(undefined, '*', '"nope"', 'W/"x"', '"a", "b"', 'garbage');
    const closingTokens = fc.oneof(
      { weight: 6, arbitrary: fc.constant(adminToken) },
      { weight: 2, arbitrary: fc.constant(closingToken) },
      { weight: 1, arbitrary: fc.constantFrom('', 'garbage', `${adminToken}x`) },
    );
    const errors: string[] = [];
    for (const operation of operations) {
      const closesAccount = operation.method === 'delete' && operation.path === '/api/v1/users/me';
      const paths = valuePaths(operation.sample);
      const body = fc.oneof(
        {
          weight: 4,
          arbitrary: fc.tuple(fc.nat(), hostileValue).map(([i, value]) => (paths.length ? withValueAt(operation.sample, paths[i % paths.length], value) : value)),
        },
        {
          weight: 2,
          arbitrary: fc
            .tuple(fc.constantFrom(...HOSTILE_KEYS), hostileValue)
            .map(([key, value]) => new DuplicateKeys([...Object.entries(operation.sample as object), [key, value]])),
        },
        { weight: 1, arbitrary: hostileValue },
        { weight: 1, arbitrary: fc.constantFrom('', ' ', '{', '[1,]', '\ufeff{}', '{"a":1,"a":2}', 'null', '"x"', '-0', '0.1e-400').map((text) => new RawJson(text)) },
        {
          weight: 1,
          arbitrary: fc.array(
            fc.record({
              op: fc.constantFrom('add', 'replace', 'remove', 'move', 'copy', 'test', 'x'),
              path: hostileString.map((s) => `/${s}`),
              from: hostileString,
              value: hostileValue,
            }),
            { maxLength: 3 },
          ),
        },
      );
      const query = fc.array(fc.tuple(fc.oneof(fc.constantFrom(...operation.queryParams, 'zz', '__proto__', 'constructor', 'a[b]'), hostileString), hostileUrlPart), {
        maxLength: 6,
      });
      const property = fc.asyncProperty(
        fc.oneof(fc.constantFrom(...ids), hostileUrlPart),
        query,
        body,
        contentTypes,
        closesAccount ? closingTokens : tokens,
        ifMatch,
        async (id, pairs, value, contentType, token, match) => {
          const queryText = pairs.map(([key, v]) => `${urlEncode(key) || 'k'}=${v}`).join('&');
          const attempt: Attempt = {
            method: operation.method.toUpperCase(),
            url: urlFor(operation, id || 'x', queryText),
            ...(BODY_METHODS.has(operation.method) ? { contentType, body: value instanceof RawJson && value.text === '' ? '' : jsonText(value) } : {}),
            headers: match ? { 'if-match': match } : {},
          };
          await check(attempt, token);
        },
      );
      await fc
        .assert(property, { seed: SEED, numRuns: RUNS_PER_OPERATION, endOnFailure: true })
        .catch((error) => errors.push(`${operation.method} ${operation.path}: ${(error as Error).message.split('\n').slice(0, 4).join(' | ')}`));
    }
    expect(errors).toEqual([]);
  }, 180_000);

  it('should leave every app ready, no half-stored record and no polluted prototype', async () => {
    for (const app of Object.values(platform.apps)) {
      const ready = await fetch(`${app.url}/health/ready`);
      expect({ app: app.name, status: ready.status }).toEqual({ app: app.name, status: 200 });
    }
    const db = new Client({ connectionString: TEST_ENV.DATABASE_URL });
    await db.connect();
    try {
      // Every stored plan has its root object and every object its plan (the decomposition is all or nothing).
      const { rows } = await db.query(`
        SELECT (SELECT count(*)::int FROM plans p WHERE NOT EXISTS (SELECT 1 FROM plan_objects o WHERE o.plan_id = p.object_id AND o.object_id = p.object_id)) AS plans_without_root,
               (SELECT count(*)::int FROM plans WHERE document::text LIKE '%\\u0000%') AS plans_with_nul`);
      expect(rows[0]).toEqual({ plans_without_root: 0, plans_with_nul: 0 });
    } finally {
      await db.end();
    }
    for (const app of Object.values(platform.apps)) {
      const before = app.lines.length;
      app.signal('SIGUSR2');
      const report = await eventually(() => {
        const line = app.lines.slice(before).find((entry) => entry.includes('pollution_probe'));
        if (!line) throw new Error(`${app.name} has not answered the probe`);
        return JSON.parse(line);
      }, 5_000);
      expect({ app: app.name, ...report }).toEqual({ app: app.name, pollution_probe: {}, polluted_plain_object: false });
    }
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(failures.slice(0, 20)).toEqual([]);
  });
});

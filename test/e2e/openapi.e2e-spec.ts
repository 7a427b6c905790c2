import type { Type } from '@nestjs/common';
import SwaggerParser from '@apidevtools/swagger-parser';
import { METHOD_METADATA, ROUTE_ARGS_METADATA } from '@nestjs/common/constants';
import { RouteParamtypes } from '@nestjs/common/enums/route-paramtypes.enum';
import { execFile } from 'node:child_process';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { promisify } from 'node:util';
import type { OpenAPIV3 } from 'openapi-types';
import ts from 'typescript';
import { loadGatewayConfig } from '../../apps/gateway/src/config/gateway.config';
import { GatewayModule } from '../../apps/gateway/src/gateway.module';
import example from '../fixtures/plan-example.json';
import { ApiClient } from '../support/api-client';
import { AppProcess, startApp } from '../support/app-process';
import { TEST_ENV } from '../support/test-env';

type Document = OpenAPIV3.Document;
type Schema = OpenAPIV3.SchemaObject | OpenAPIV3.ReferenceObject;
interface Operation {
  method: string;
  path: string;
  operation: OpenAPIV3.OperationObject;
}

// The contract's public routes (api-contract.md, "Auth"); every other operation needs a bearer token.
const PUBLIC_ROUTES = new Set([
  '/api/v1/auth/signup',
  '/api/v1/auth/token',
  '/api/v1/auth/refresh',
  '/api/v1/events/search',
  '/search',
  '/.well-known/jwks.json',
  '/health/live',
  '/health/ready',
  '/metrics',
  '/docs',
  '/openapi.json',
]);
const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const ENVELOPE = '#/components/schemas/ErrorEnvelope';

function operationsOf(document: Document): Operation[] {
  return Object.entries(document.paths).flatMap(([path, item]) => METHODS.flatMap((method) => (item?.[method] ? [{ method, path, operation: item[method] }] : [])));
}

function resolve<T extends object>(document: Document, node: T | OpenAPIV3.ReferenceObject | undefined): T | undefined {
  if (!node || !('$ref' in node)) return node;
  const target = node.$ref
    .split('/')
    .slice(1)
    .reduce<unknown>((at, key) => (at as Record<string, unknown> | undefined)?.[key], document);
  return resolve(document, target as T | OpenAPIV3.ReferenceObject | undefined);
}

// A schema a client can type: not {} and not a bare "object" with nothing about its members.
function describesShape(document: Document, node: Schema | undefined): boolean {
  const schema = resolve(document, node);
  if (!schema) return false;
  if (schema.allOf || schema.oneOf || schema.anyOf || schema.enum) return true;
  if (schema.type === 'array') return describesShape(document, schema.items);
  if (schema.type === 'object') return Object.keys(schema.properties ?? {}).length > 0;
  return typeof schema.type === 'string';
}

function isSchema(document: Document, node: Schema | undefined): boolean {
  const schema = resolve(document, node);
  return Boolean(schema && (schema.type || schema.allOf || schema.oneOf || schema.anyOf || schema.properties));
}

// The controller method behind an operation: Nest's default operationId is `${Controller}_${method}`.
function handlerOf(operation: OpenAPIV3.OperationObject, controllers: Type[]): { controller: Type; method: string } | undefined {
  const [controllerName, method] = (operation.operationId ?? '').split('_');
  const controller = controllers.find((candidate) => candidate.name === controllerName);
  return controller && typeof controller.prototype[method] === 'function' ? { controller, method } : undefined;
}

function readsBody(handler: { controller: Type; method: string }): boolean {
  const args: Record<string, unknown> = Reflect.getMetadata(ROUTE_ARGS_METADATA, handler.controller, handler.method) ?? {};
  return Object.keys(args).some((key) => key.split(':')[0] === String(RouteParamtypes.BODY));
}

// What is wrong with one operation, by the rules every route is held to (empty when nothing is).
function problemsOf(document: Document, { method, path, operation }: Operation, controllers: Type[]): string[] {
  const problems: string[] = [];
  const name = `${method.toUpperCase()} ${path}`;
  const responses = Object.entries(operation.responses).map(([status, response]) => [status, resolve(document, response)!] as const);
  const handler = handlerOf(operation, controllers);
  if (!handler) return [`${name}: no controller method for operationId ${operation.operationId}`];

  const body = resolve(document, operation.requestBody);
  if (readsBody(handler)) {
    const media = Object.entries(body?.content ?? {});
    if (media.length === 0) problems.push(`${name}: reads a body but documents none`);
    for (const [type, content] of media) if (!isSchema(document, content.schema)) problems.push(`${name}: no request schema for ${type}`);
    for (const status of ['400', '413', '415']) if (!operation.responses[status]) problems.push(`${name}: takes a body but documents no ${status}`);
  } else if (body) {
    problems.push(`${name}: documents a body its handler does not read`);
  }

  const successes = responses.filter(([status]) => /^2\d\d$/.test(status));
  if (successes.length === 0) problems.push(`${name}: no success response`);
  for (const [status, response] of successes) {
    const schema = response.content?.['application/json']?.schema;
    if (status === '204' ? response.content : !describesShape(document, schema)) problems.push(`${name}: ${status} has no usable schema`);
  }
  for (const [status, response] of responses) {
    if (/^[45]\d\d$/.test(status) && (response.content?.['application/json']?.schema as OpenAPIV3.ReferenceObject | undefined)?.$ref !== ENVELOPE) {
      problems.push(`${name}: ${status} is not the error envelope`);
    }
    if (!response.headers?.['X-Request-Id']) problems.push(`${name}: ${status} has no X-Request-Id header`);
    if (operation.responses['429'] && !response.headers?.['X-RateLimit-Remaining']) problems.push(`${name}: ${status} has no rate-limit headers`);
  }
  if (operation.responses['429'] && !resolve(document, operation.responses['429'])!.headers?.['Retry-After']) problems.push(`${name}: 429 has no Retry-After`);
  if (method === 'patch' && !resolve(document, operation.responses['415'])?.headers?.['Accept-Patch']) problems.push(`${name}: 415 has no Accept-Patch`);

  if (PUBLIC_ROUTES.has(path)) {
    if (operation.security?.length) problems.push(`${name}: a public route asks for ${JSON.stringify(operation.security)}`);
  } else {
    if (JSON.stringify(operation.security) !== JSON.stringify([{ bearer: [] }])) problems.push(`${name}: no bearer security requirement`);
    for (const status of ['401', '429', '503', '504']) if (!operation.responses[status]) problems.push(`${name}: authenticated but documents no ${status}`);
    if (!resolve(document, operation.responses['401'])?.headers?.['WWW-Authenticate']) problems.push(`${name}: 401 has no WWW-Authenticate`);
  }
  return problems;
}

// A file that uses the generated types the way a client would. Each check is a few lines, some of them
// expected to fail (too loose a type, `any` say, makes their @ts-expect-error fail instead).
const TYPES = `import type { components, paths } from './api';
type PlanBody = paths['/api/v1/plans']['post']['requestBody']['content']['application/json'];
type PlanConflict = paths['/api/v1/plans']['post']['responses'][409]['content']['application/json'];
type PlanPage = paths['/api/v1/plans']['get']['responses'][200]['content']['application/json'];
type JsonPatchBody = paths['/api/v1/plans/{id}']['patch']['requestBody']['content']['application/json-patch+json'];
type UsersPage = paths['/api/v1/users']['get']['responses'][200]['content']['application/json'];
type TokenPair = paths['/api/v1/auth/token']['post']['responses'][200]['content']['application/json'];
type Envelope = components['schemas']['ErrorEnvelope'];
type OrderAccepted = paths['/api/v1/orders']['post']['responses'][202]['content']['application/json'];
type OrdersPage = paths['/api/v1/orders']['get']['responses'][200]['content']['application/json'];
type ProviderEvents = paths['/api/v1/events/search']['get']['responses'][200]['content']['application/json'];
type AliasEvents = paths['/search']['get']['responses'][200]['content']['application/json'];
type SyncStarted = paths['/api/v1/admin/sync']['post']['responses'][202]['content']['application/json'];
type SyncStatus = paths['/api/v1/admin/sync/status']['get']['responses'][200]['content']['application/json'];
type ContentPage = paths['/api/v1/content']['get']['responses'][200]['content']['application/json'];
type ContentBody = paths['/api/v1/content']['post']['requestBody']['content']['application/json'];
`;
const EXPECT_ERROR = '// @ts-expect-error';
const CHECKS: Record<string, string[]> = {
  'plan POST body': [
    `export const plan: PlanBody = ${JSON.stringify(example)};`,
    EXPECT_ERROR,
    `export const notAPlan: PlanBody = ${JSON.stringify({ ...example, objectType: 'service' })};`,
  ],
  'users page email': [
    'export const email = (page: UsersPage): string => page.data[0].email;',
    EXPECT_ERROR,
    'export const emailNumber = (page: UsersPage): number => page.data[0].email;',
  ],
  'error envelope code': ['export const code = (body: Envelope): string => body.error.code;'],
  'route error envelope': ['export const conflict = (body: PlanConflict): string => body.error.request_id;'],
  'plan list item': ['export const etag = (page: PlanPage): string => page.data[0].etag + page.data[0].data.objectId + page.meta.total_pages;'],
  'json patch body': [
    "export const ops: JsonPatchBody = [{ op: 'replace', path: '/planType', value: 'inNetwork' }];",
    EXPECT_ERROR,
    "export const badOps: JsonPatchBody = [{ op: 'remove' }];",
  ],
  'token pair': ["export const scheme = (pair: TokenPair): 'bearer' => pair.token_type;"],
  'order status': [
    "export const status = (order: OrderAccepted): 'accepted' | 'stored' => order.status;",
    EXPECT_ERROR,
    'export const statusNumber = (order: OrderAccepted): number => order.status;',
  ],
  'orders page amount': ['export const amount = (page: OrdersPage): number => page.data[0].amount + page.meta.total_count;'],
  'provider event price': [
    'export const price = (body: ProviderEvents): number => body.data.events[0].min_price + body.data.events[0].max_price;',
    EXPECT_ERROR,
    'export const priceText = (body: AliasEvents): string => body.data.events[0].min_price;',
  ],
  'provider sync status': [
    "export const circuit = (status: SyncStatus): 'closed' | 'open' | 'half_open' => status.circuit;",
    'export const runs = (status: SyncStatus, started: SyncStarted): number => status.runs[0].new + status.runs[0].invalid + started.id.length;',
  ],
  'content page author': [
    'export const authorName = (page: ContentPage): string => page.data[0].author.name + page.meta.total_count;',
    EXPECT_ERROR,
    'export const authorEmail = (page: ContentPage): string => page.data[0].author.email;',
  ],
  'content body': [
    "export const content: ContentBody = { title: 'Title', content: 'Long enough text' };",
    EXPECT_ERROR,
    "export const untitled: ContentBody = { content: 'x' };",
  ],
};

// Generates the client types with the openapi-typescript CLI and type-checks the usage file against them;
// returns the names of the checks that did not compile (or where the error is, outside them).
async function brokenChecks(document: Document): Promise<string[]> {
  const dir = mkdtempSync(join(tmpdir(), 'openapi-client-'));
  try {
    writeFileSync(join(dir, 'openapi.json'), JSON.stringify(document));
    const cli = join(dirname(require.resolve('openapi-typescript/package.json')), 'bin', 'cli.js');
    await promisify(execFile)(process.execPath, [cli, join(dir, 'openapi.json'), '--output', join(dir, 'api.d.ts')]);

    const lines = TYPES.split('\n');
    const checkAt = new Map<number, string>();
    for (const [name, code] of Object.entries(CHECKS)) for (const line of code) checkAt.set(lines.push(line) - 1, name);
    writeFileSync(join(dir, 'usage.ts'), lines.join('\n'));
    const program = ts.createProgram([join(dir, 'usage.ts')], {
      strict: true,
      noEmit: true,
      skipLibCheck: true,
      target: ts.ScriptTarget.ES2022,
      module: ts.ModuleKind.CommonJS,
      lib: ['lib.es2022.d.ts'],
      types: [],
    });
    return ts.getPreEmitDiagnostics(program).map((diagnostic) => {
      const line = diagnostic.file && diagnostic.start !== undefined ? diagnostic.file.getLineAndCharacterOfPosition(diagnostic.start).line : -1;
      return checkAt.get(line) ?? `${diagnostic.file?.fileName}:${line + 1} ${ts.flattenDiagnosticMessageText(diagnostic.messageText, ' ')}`;
    });
  } finally {
    rmSync(dir, { recursive: true, force: true });
  }
}

describe('OpenAPI document (e2e)', () => {
  let gateway: AppProcess;
  let document: Document;
  let operations: Operation[];
  // The routes' handlers, to hold the document to what they really read.
  const controllers = GatewayModule.forRoot(loadGatewayConfig(TEST_ENV)).controllers as Type[];

  beforeAll(async () => {
    gateway = await startApp('gateway', 3395);
    const res = await new ApiClient(gateway.url).get<Document>('/openapi.json');
    expect(res.status).toBe(200);
    document = res.body;
    operations = operationsOf(document);
  });
  afterAll(() => gateway?.stop());

  it('should be a valid OpenAPI 3.0 document whose references all resolve', async () => {
    await expect(SwaggerParser.validate(structuredClone(document) as never)).resolves.toBeDefined();
    expect(document.openapi).toMatch(/^3\.0\./);
  });

  it('should document every route of every controller, once', () => {
    const handlers = operations.map(({ operation }) => handlerOf(operation, controllers)).map((handler) => handler && `${handler.controller.name}.${handler.method}`);
    const routes = controllers.flatMap((controller) =>
      Object.getOwnPropertyNames(controller.prototype)
        .filter((method) => Reflect.hasMetadata(METHOD_METADATA, controller.prototype[method]))
        .map((method) => `${controller.name}.${method}`),
    );

    expect([...handlers].sort()).toEqual([...routes].sort());
  });

  it('should give every operation its body schema, success schema, error envelopes, headers and security', () => {
    const problems = operations.flatMap((operation) => problemsOf(document, operation, controllers));

    expect(problems).toEqual([]);
  });

  it('should describe the plan routes as the contract says', () => {
    const plans = document.paths['/api/v1/plans']!;
    const plan = document.paths['/api/v1/plans/{id}']!;
    const header = (operation: OpenAPIV3.OperationObject, name: string) =>
      operation.parameters?.map((parameter) => resolve(document, parameter)!).find((parameter) => parameter.in === 'header' && parameter.name === name);
    const schemaOf = (operation: OpenAPIV3.OperationObject, type = 'application/json') => resolve(document, operation.requestBody)?.content[type]?.schema;
    const created = resolve(document, plans.post!.responses['201'])!;

    expect(schemaOf(plans.post!)).toEqual({ $ref: '#/components/schemas/Plan' });
    expect(schemaOf(plan.put!)).toEqual({ $ref: '#/components/schemas/Plan' });
    expect(Object.keys(created.headers ?? {})).toEqual(expect.arrayContaining(['Location', 'ETag', 'Last-Modified']));
    expect(created.content?.['application/json'].schema).toEqual({ $ref: '#/components/schemas/Plan' });
    expect(Object.keys(resolve(document, plan.get!.responses['200'])!.headers ?? {})).toEqual(expect.arrayContaining(['ETag', 'Last-Modified', 'X-Cache']));
    expect(resolve(document, plan.get!.responses['304'])!.content).toBeUndefined();
    expect(header(plan.get!, 'If-None-Match')).toMatchObject({ required: false });
    expect([header(plan.put!, 'If-Match')?.required, header(plan.patch!, 'If-Match')?.required, header(plan.delete!, 'If-Match')?.required]).toEqual([true, true, false]);
    expect(Object.keys(plan.put!.responses)).toEqual(expect.arrayContaining(['404', '412', '428']));
    expect(Object.keys(plan.patch!.responses)).toEqual(expect.arrayContaining(['404', '409', '412', '415', '422', '428']));
    expect(schemaOf(plan.patch!, 'application/json-patch+json')).toEqual({ $ref: '#/components/schemas/JsonPatch' });
    expect(schemaOf(plan.patch!, 'application/merge-patch+json')).toEqual({ $ref: '#/components/schemas/PlanMergePatch' });
    expect(schemaOf(plan.patch!, 'application/json')).toEqual({ $ref: '#/components/schemas/PlanMergePatch' });
    const listItem = resolve(document, { $ref: '#/components/schemas/PlanListItem' }) as OpenAPIV3.SchemaObject;
    expect(Object.keys(listItem.properties ?? {})).toEqual(['data', 'metadata', 'etag']);
  });

  it('should describe the order routes as the contract says', () => {
    const orders = document.paths['/api/v1/orders']!;
    const accepted = resolve(document, orders.post!.responses['202'])!;
    const key = orders
      .post!.parameters?.map((parameter) => resolve(document, parameter)!)
      .find((parameter) => parameter.in === 'header' && parameter.name === 'Idempotency-Key');

    expect(Object.keys(accepted.headers ?? {})).toEqual(expect.arrayContaining(['Location']));
    expect(key).toMatchObject({ required: false });
    expect(Object.keys(orders.post!.responses)).toEqual(expect.arrayContaining(['202', '400', '409', '503']));
    expect(Object.keys(document.paths['/api/v1/orders/bulk']!.post!.responses)).toEqual(expect.arrayContaining(['202', '400', '503']));
    expect(Object.keys(resolve(document, document.paths['/api/v1/orders/{id}']!.get!.responses['200'])!.headers ?? {})).toEqual(expect.arrayContaining(['X-Cache']));
    const order = resolve(document, { $ref: '#/components/schemas/OrderView' }) as OpenAPIV3.SchemaObject;
    expect(Object.keys(order.properties ?? {})).toEqual(['id', 'status', 'product_name', 'amount', 'currency', 'plan_id', 'created_at']);
  });

  it('should describe the provider events search and its /search alias as the contract says', () => {
    for (const path of ['/api/v1/events/search', '/search']) {
      const search = document.paths[path]!.get!;
      const parameters = (search.parameters ?? []).map((parameter) => resolve(document, parameter)!).filter((parameter) => parameter.in === 'query');
      expect({ path, query: parameters.map((parameter) => [parameter.name, parameter.required ?? false]) }).toEqual({
        path,
        query: [
          ['starts_at', false],
          ['ends_at', false],
        ],
      });
      expect(Object.keys(resolve(document, search.responses['200'])!.headers ?? {})).toEqual(expect.arrayContaining(['X-Data-Synced-At', 'X-RateLimit-Remaining']));
      expect(Object.keys(search.responses)).toEqual(expect.arrayContaining(['200', '400', '429']));
    }
    const event = resolve(document, { $ref: '#/components/schemas/ProviderEvent' }) as OpenAPIV3.SchemaObject;
    expect(Object.keys(event.properties ?? {})).toEqual(['id', 'title', 'start_date', 'start_time', 'end_date', 'end_time', 'min_price', 'max_price']);
    expect(Object.keys(document.paths['/api/v1/admin/sync']!.post!.responses)).toEqual(expect.arrayContaining(['202', '401', '403', '503', '504']));
  });

  it('should describe the content routes as the contract says', () => {
    const list = document.paths['/api/v1/content']!;
    const item = document.paths['/api/v1/content/{id}']!;
    const headersOf = (response: OpenAPIV3.ResponseObject | OpenAPIV3.ReferenceObject | undefined) => Object.keys(resolve(document, response)!.headers ?? {});

    expect(headersOf(list.get!.responses['200'])).toEqual(expect.arrayContaining(['X-Cache']));
    expect(headersOf(item.get!.responses['200'])).toEqual(expect.arrayContaining(['X-Cache', 'ETag']));
    expect(headersOf(list.post!.responses['201'])).toEqual(expect.arrayContaining(['Location', 'ETag']));
    expect(resolve(document, item.get!.responses['304'])!.content).toBeUndefined();
    expect(Object.keys(resolve(document, item.patch!.requestBody)!.content)).toEqual(['application/merge-patch+json', 'application/json']);
    expect(Object.keys(item.put!.responses)).toEqual(expect.arrayContaining(['400', '403', '404']));
    expect(Object.keys(item.delete!.responses)).toEqual(expect.arrayContaining(['204', '403', '404']));
    const view = resolve(document, { $ref: '#/components/schemas/ContentView' }) as OpenAPIV3.SchemaObject;
    expect(Object.keys(view.properties ?? {})).toEqual(['id', 'title', 'content', 'image', 'author', 'created_at', 'updated_at']);
    const author = resolve(document, { $ref: '#/components/schemas/ContentAuthorView' }) as OpenAPIV3.SchemaObject;
    expect(Object.keys(author.properties ?? {})).toEqual(['id', 'name']);
  });

  it('should generate a typed client that a usage file compiles against', async () => {
    expect(await brokenChecks(document)).toEqual([]);
  }, 20_000);

  // The control: with every schema emptied the same usage file breaks at every check, so the one above proves
  // the generated types are real.
  it('should fail every check of that usage file when the document has no schemas', async () => {
    const empty = JSON.parse(JSON.stringify(document), (key, value) => (key === 'schema' ? {} : value)) as Document;
    empty.components!.schemas = Object.fromEntries(Object.keys(empty.components!.schemas!).map((name) => [name, {}]));

    expect(new Set(await brokenChecks(empty))).toEqual(new Set(Object.keys(CHECKS)));
  }, 20_000);
});

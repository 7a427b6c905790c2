import type { HeaderObject, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { PLAN_EXAMPLE, PLAN_SCHEMA } from '@app/contracts';
import { jsonSchemaToOpenApiComponents } from './json-schema.util';

// Component schemas that are not classes (so @ApiExtraModels cannot register them): the plan document, from
// the vendored JSON Schema, and the two patch formats.
const PLAN_COMPONENTS = jsonSchemaToOpenApiComponents(PLAN_SCHEMA, 'Plan');

export const SCHEMA_COMPONENTS: Record<string, SchemaObject> = {
  ...PLAN_COMPONENTS,
  Plan: { ...PLAN_COMPONENTS.Plan, example: PLAN_EXAMPLE },
  PlanMergePatch: {
    type: 'object',
    additionalProperties: true,
    description:
      'RFC 7396 merge patch of a plan: members replace, null removes. Arrays of objects with objectId merge by objectId ' +
      '(matching element merged, new one appended; {"objectId": X, "_delete": true} removes element X and its subtree).',
  },
  JsonPatch: {
    type: 'array',
    description: 'RFC 6902 JSON Patch, applied atomically.',
    items: { $ref: '#/components/schemas/JsonPatchOperation' },
  },
  JsonPatchOperation: {
    oneOf: [
      {
        type: 'object',
        required: ['op', 'path', 'value'],
        properties: { op: { type: 'string', enum: ['add', 'replace', 'test'] }, path: { type: 'string' }, value: {} },
      },
      { type: 'object', required: ['op', 'path'], properties: { op: { type: 'string', enum: ['remove'] }, path: { type: 'string' } } },
      {
        type: 'object',
        required: ['op', 'from', 'path'],
        properties: { op: { type: 'string', enum: ['move', 'copy'] }, from: { type: 'string' }, path: { type: 'string' } },
      },
    ],
  },
};

export const schemaRef = (name: string): ReferenceObject => ({ $ref: `#/components/schemas/${name}` });
export const PLAN_REF = schemaRef('Plan');

const integer = (description: string): HeaderObject => ({ description, schema: { type: 'integer' } });
const text = (description: string): HeaderObject => ({ description, schema: { type: 'string' } });

// Response headers, shared as components so each response names them by reference.
export const HEADER_COMPONENTS = {
  'X-Request-Id': text("The request id (the client's own when it sent a sane one); it appears in every log line of the request."),
  ETag: text('Strong entity tag of the plan (a SHA-256 of its canonical JSON).'),
  'Last-Modified': text('When the plan last changed (HTTP date).'),
  Location: text('URL of the created resource.'),
  'X-Cache': { description: 'Where the read was served from.', schema: { type: 'string', enum: ['HIT', 'MISS', 'BYPASS'] } },
  'Cache-Control': text('Caching directives.'),
  'X-RateLimit-Limit': integer('Requests allowed in the current one-hour window (sent while the shared limiter answers).'),
  'X-RateLimit-Remaining': integer('Requests left in the current window.'),
  'X-RateLimit-Reset': integer('When the window resets, in epoch seconds.'),
  'Retry-After': integer('Seconds until the window resets.'),
  'WWW-Authenticate': { description: 'The authentication scheme to use.', schema: { type: 'string', enum: ['Bearer'] } },
  'Accept-Patch': text('The patch media types PATCH accepts.'),
  'X-Data-Synced-At': {
    description: 'When the provider catalog was last synced successfully (ISO 8601, UTC); absent until the first sync.',
    schema: { type: 'string', format: 'date-time' },
  },
  'X-Results-Truncated': {
    description: 'Sent (true) only when more events matched than one reply holds: the events are the first ones by start, then id.',
    schema: { type: 'string', enum: ['true'] },
  },
} satisfies Record<string, HeaderObject>;

export type HeaderName = keyof typeof HEADER_COMPONENTS;

export function headerRefs(...names: HeaderName[]): Record<string, ReferenceObject> {
  return Object.fromEntries(names.map((name) => [name, { $ref: `#/components/headers/${name}` }]));
}

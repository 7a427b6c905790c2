import type { ReferenceObject, SchemaObject } from '@nestjs/swagger';

type JsonSchema = Record<string, unknown>;

// Keywords whose meaning is the same in JSON Schema 2020-12 and the OpenAPI 3.0 Schema Object.
const SAME_MEANING = new Set([
  'title',
  'description',
  'type',
  'properties',
  'required',
  'additionalProperties',
  'items',
  'enum',
  'pattern',
  'format',
  'minLength',
  'maxLength',
  'minimum',
  'maximum',
  'multipleOf',
  'minItems',
  'maxItems',
  'uniqueItems',
  'minProperties',
  'maxProperties',
  'allOf',
  'anyOf',
  'oneOf',
  'not',
  'default',
  'readOnly',
  'writeOnly',
  'deprecated',
]);
const SUBSCHEMA = new Set(['items', 'not', 'additionalProperties']);
const SUBSCHEMA_LIST = new Set(['allOf', 'anyOf', 'oneOf']);

// Turns a self-contained JSON Schema 2020-12 document (local `#/$defs/*` refs only) into OpenAPI 3.0 component
// schemas: the root becomes `rootName`, each $def `rootName` + PascalCase(def), and `const` becomes a one-value
// enum. Any keyword OpenAPI 3.0 cannot say throws, so a change to the vendored schema cannot silently put an
// invalid or looser schema into the document.
export function jsonSchemaToOpenApiComponents(schema: JsonSchema, rootName: string): Record<string, SchemaObject> {
  const { $schema: _dialect, $id: _id, $defs = {}, ...root } = schema;
  const defs = $defs as Record<string, JsonSchema>;
  const nameOf = (def: string) => `${rootName}${def[0].toUpperCase()}${def.slice(1)}`;

  const convert = (node: JsonSchema, at: string): SchemaObject | ReferenceObject => {
    if (typeof node.$ref === 'string') {
      const def = /^#\/\$defs\/([^/]+)$/.exec(node.$ref)?.[1];
      if (!def || !defs[def] || Object.keys(node).length > 1) throw unsupported('$ref', at, node.$ref);
      return { $ref: `#/components/schemas/${nameOf(def)}` };
    }
    const out: Record<string, unknown> = {};
    for (const [keyword, value] of Object.entries(node)) {
      const path = `${at}/${keyword}`;
      if (keyword === 'const') {
        out.type = jsonType(value, path);
        out.enum = [value];
      } else if (!SAME_MEANING.has(keyword) || (keyword === 'type' && typeof value !== 'string')) {
        throw unsupported(keyword, at, value);
      } else if (keyword === 'properties') {
        out.properties = Object.fromEntries(Object.entries(value as Record<string, JsonSchema>).map(([name, sub]) => [name, convert(sub, `${path}/${name}`)]));
      } else if (SUBSCHEMA.has(keyword) && typeof value === 'object') {
        out[keyword] = convert(value as JsonSchema, path);
      } else if (SUBSCHEMA_LIST.has(keyword)) {
        out[keyword] = (value as JsonSchema[]).map((sub, index) => convert(sub, `${path}/${index}`));
      } else {
        out[keyword] = value;
      }
    }
    return out;
  };

  return {
    [rootName]: convert(root, '') as SchemaObject,
    ...Object.fromEntries(Object.entries(defs).map(([def, sub]) => [nameOf(def), convert(sub, `/$defs/${def}`) as SchemaObject])),
  };
}

function jsonType(value: unknown, at: string): string {
  if (typeof value === 'string' || typeof value === 'boolean') return typeof value;
  if (typeof value === 'number') return Number.isInteger(value) ? 'integer' : 'number';
  throw unsupported('const', at, value);
}

function unsupported(keyword: string, at: string, value: unknown): Error {
  return new Error(`JSON Schema keyword ${keyword} at "${at || '/'}" (${JSON.stringify(value)}) has no OpenAPI 3.0 equivalent here`);
}

import { INestApplication } from '@nestjs/common';
import { DocumentBuilder, OpenAPIObject, OperationObject, ResponseObject, SwaggerModule } from '@nestjs/swagger';
import { HEADER_COMPONENTS, HeaderName, headerRefs, SCHEMA_COMPONENTS, schemaRef } from './openapi.components';

const METHODS = ['get', 'put', 'post', 'delete', 'patch', 'head', 'options'] as const;
const RATE_LIMIT_HEADERS: HeaderName[] = ['X-RateLimit-Limit', 'X-RateLimit-Remaining', 'X-RateLimit-Reset'];

// The gateway's OpenAPI 3.0 document: what the controllers' decorators say, completed by completeDocument.
export function buildOpenApiDocument(app: INestApplication): OpenAPIObject {
  const config = new DocumentBuilder()
    .setTitle('Plans platform API')
    .setDescription('Public HTTP API of the gateway. Every 4xx/5xx body is the ErrorEnvelope {data: null, error: {code, message, details?, timestamp, request_id}}.')
    .setVersion('1')
    .addBearerAuth({ type: 'http', scheme: 'bearer', bearerFormat: 'JWT' })
    .build();
  return completeDocument(SwaggerModule.createDocument(app, config));
}

// Only what the decorators cannot express:
// - component schemas and headers that are not classes (@ApiExtraModels registers classes only);
// - a per-media-type request schema: Nest gives every @ApiConsumes type the one @ApiBody schema, and a JSON
//   Patch body is an RFC 6902 document whatever the route;
// - what the gateway sends on every response: X-Request-Id always, and the X-RateLimit-* headers on every
//   response of a rate-limited route (exactly those that can answer 429). Nest has no per-operation response
//   header decorator, so each success decorator would otherwise need to know how its route is limited.
//   The X-Request-Id request header is added here too: DocumentBuilder.addGlobalParameters keeps parameters in a
//   process-wide store that grows each time a document is built.
export function completeDocument(document: OpenAPIObject): OpenAPIObject {
  document.components = {
    ...document.components,
    schemas: { ...document.components?.schemas, ...SCHEMA_COMPONENTS },
    headers: { ...document.components?.headers, ...HEADER_COMPONENTS },
  };
  for (const item of Object.values(document.paths)) {
    for (const method of METHODS) {
      const operation = item[method];
      if (operation) completeOperation(operation);
    }
  }
  return document;
}

function completeOperation(operation: OperationObject): void {
  operation.parameters = [
    ...(operation.parameters ?? []),
    {
      name: 'X-Request-Id',
      in: 'header',
      required: false,
      description: 'Your own request id: echoed and logged when it is 1-128 of A-Z a-z 0-9 . _ : -, else replaced by a UUID',
      schema: { type: 'string' },
    },
  ];
  const body = operation.requestBody && 'content' in operation.requestBody ? operation.requestBody : undefined;
  const jsonPatch = body?.content['application/json-patch+json'];
  if (jsonPatch) jsonPatch.schema = schemaRef('JsonPatch');

  const limited = '429' in operation.responses;
  for (const response of Object.values(operation.responses) as ResponseObject[]) {
    response.headers = { ...headerRefs('X-Request-Id', ...(limited ? RATE_LIMIT_HEADERS : [])), ...response.headers };
  }
}

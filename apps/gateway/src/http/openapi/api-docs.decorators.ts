import { applyDecorators, Type } from '@nestjs/common';
import { ApiBearerAuth, ApiBody, ApiConsumes, ApiExtraModels, ApiHeader, ApiResponse, getSchemaPath, ReferenceObject, SchemaObject } from '@nestjs/swagger';
import { ErrorEnvelopeDto } from './error-envelope.dto';
import { HeaderName, headerRefs, PLAN_REF, schemaRef } from './openapi.components';
import { PageMetaDto } from './page-meta.dto';

export type ErrorStatus = 400 | 401 | 403 | 404 | 409 | 412 | 413 | 415 | 422 | 428 | 429 | 503 | 504;

const ERRORS: Record<ErrorStatus, { description: string; headers?: HeaderName[] }> = {
  400: { description: 'Bad request: VALIDATION_ERROR (details.errors says where and why), MALFORMED_JSON, MALFORMED_PATCH or BAD_REQUEST' },
  401: {
    description: 'Not authenticated: UNAUTHORIZED (no token), INVALID_TOKEN, TOKEN_EXPIRED; INVALID_CREDENTIALS or REFRESH_TOKEN_REUSED on the auth routes',
    headers: ['WWW-Authenticate'],
  },
  403: { description: 'FORBIDDEN: the role may not do this, or the caller does not own the resource' },
  404: { description: 'NOT_FOUND, or CONTENT_NOT_FOUND for a content item' },
  409: { description: 'Conflict with the current state: EMAIL_TAKEN, PHONE_TAKEN, PLAN_EXISTS, PATCH_CONFLICT, IDEMPOTENCY_KEY_REUSED or USER_NOT_DELETED' },
  412: { description: 'PRECONDITION_FAILED: If-Match does not match the current ETag' },
  413: { description: 'PAYLOAD_TOO_LARGE: the body is over the limit (BODY_LIMIT_BYTES)' },
  415: { description: 'UNSUPPORTED_MEDIA_TYPE: the Content-Type is not one this route accepts' },
  422: { description: 'UNPROCESSABLE_PATCH: the patched plan would break the schema or change the root objectId/objectType' },
  428: { description: 'PRECONDITION_REQUIRED: send If-Match with the current ETag' },
  429: { description: 'RATE_LIMITED: over the hourly limit', headers: ['Retry-After'] },
  503: {
    description:
      'SERVICE_UNAVAILABLE: a service the request needs cannot be reached (core; for a new order, the broker did not confirm it, so no 202 was given). For POST /orders and /orders/bulk, details.outcome tells which: "not_accepted" is a certain refusal (nothing was sent); "unknown" (with details.order_id, and details.order_ids for a bulk) means the order was sent without a confirm and may still be stored: GET /orders/{order_id} tells, and a retry with the same Idempotency-Key never duplicates it.',
  },
  504: { description: 'UPSTREAM_TIMEOUT: the core service did not answer in time (RPC_TIMEOUT_MS), or its database call ran past its bound' },
};

// The error responses a route can return, each with the contract's envelope.
export function ApiErrors(...statuses: ErrorStatus[]) {
  return applyDecorators(
    ...statuses.map((status) =>
      ApiResponse({ status, description: ERRORS[status].description, type: ErrorEnvelopeDto, headers: headerRefs(...(ERRORS[status].headers ?? [])) }),
    ),
  );
}

// Behind the access check: a bearer token, the per-user rate limit, and core asked for the principal on a cache miss.
export const ApiAuthenticated = () => applyDecorators(ApiBearerAuth(), ApiErrors(401, 429, 503, 504));

// A public route that asks core; it still counts against the per-IP rate limit.
export const ApiPublicCall = () => ApiErrors(429, 503, 504);

// A JSON body: the body parser's (400 MALFORMED_JSON, 413, 415) and the validation pipe's (400) errors. DTO bodies
// get their schema from the @Body() type; raw bodies pass theirs.
export const ApiJsonBody = (schema?: SchemaObject | ReferenceObject) => applyDecorators(...(schema ? [ApiBody({ schema })] : []), ApiErrors(400, 413, 415));

// A `{data, meta}` page of `model`; its query (page, page_size, sort_by, order, filters) is validated (400).
export const ApiPageOf = (model: Type<unknown>, ...headers: HeaderName[]) =>
  applyDecorators(
    ApiExtraModels(PageMetaDto, model),
    ApiResponse({
      status: 200,
      description: `A page of ${model.name}`,
      headers: headerRefs(...headers),
      schema: {
        type: 'object',
        required: ['data', 'meta'],
        properties: { data: { type: 'array', items: { $ref: getSchemaPath(model) } }, meta: { $ref: getSchemaPath(PageMetaDto) } },
      },
    }),
    ApiErrors(400),
  );

export const ApiNoContent = (description: string) => ApiResponse({ status: 204, description });

// A plan document answer, with its validators.
export const ApiPlanResponse = (status: 200 | 201, description: string, ...headers: HeaderName[]) =>
  ApiResponse({ status, description, schema: PLAN_REF, headers: headerRefs('ETag', 'Last-Modified', ...headers) });

export const ApiIfMatch = (required: boolean) =>
  ApiHeader({
    name: 'If-Match',
    required,
    description: required ? 'The ETag the change is based on (or *); without it 428, stale 412' : 'When sent, it must match the current ETag (or be *), else 412',
  });

// PATCH takes either patch format (and application/json as a merge patch). Nest gives every media type one
// schema, so the document step sets JsonPatch on application/json-patch+json. A 415 names the accepted types.
export const ApiPlanPatchBody = () =>
  applyDecorators(
    ApiConsumes('application/merge-patch+json', 'application/json-patch+json', 'application/json'),
    ApiBody({ schema: schemaRef('PlanMergePatch'), description: 'RFC 7396 merge patch (objectId-aware arrays) or RFC 6902 JSON Patch' }),
    ApiErrors(400, 413),
    ApiResponse({ status: 415, description: ERRORS[415].description, type: ErrorEnvelopeDto, headers: headerRefs('Accept-Patch') }),
  );

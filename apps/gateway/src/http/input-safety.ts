import { Logger } from '@nestjs/common';
import { NestFastifyApplication } from '@nestjs/platform-fastify';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { assertSafeJson, DomainError, keyProblem, MAX_PATH_PARAMETER_LENGTH, unsafeStringProblem } from '@app/common';
import { sendError } from '../errors/http-exception.filter';

export const JSON_MEDIA_TYPE = 'application/json';
export const PATCH_MEDIA_TYPES = ['application/merge-patch+json', 'application/json-patch+json'] as const;

export const QUERY_LIMITS = { maxParameters: 32, maxValueLength: 1024 };

// The gateway's one input-safety layer, in front of every route (the cache fast path included):
// - bodies are JSON only (the two patch media types on PATCH only); any other type, or none, is 415;
// - a parsed body passes findUnsafeJson (depth, sizes, NUL, lone surrogates, prototype keys, finite numbers),
//   and a JSON Patch's paths may not walk into prototype machinery: 400 VALIDATION_ERROR with the pointer;
// - query and path parameters pass the same string rules, with a bound on their count and length.
export function registerInputSafety(app: NestFastifyApplication): void {
  const fastify = app.getHttpAdapter().getInstance();
  const logger = new Logger('InputSafety');

  // Fastify ships parsers for text/plain and JSON; only ours remain, so everything else is refused with 415.
  fastify.removeAllContentTypeParsers();
  fastify.addContentTypeParser([JSON_MEDIA_TYPE, ...PATCH_MEDIA_TYPES], { parseAs: 'string' }, (request, body, done) => {
    try {
      done(null, parseSafeJson(request, body as string));
    } catch (error) {
      done(error as Error, undefined);
    }
  });

  // Registered before the cache fast path's hook, so a hot read sees only checked parameters.
  fastify.addHook('onRequest', (request: FastifyRequest, reply: FastifyReply, done: () => void) => {
    try {
      assertSafeParameters(request);
    } catch (error) {
      // Answering from a callback hook ends the request here: done() is not called.
      sendError(request, reply, error, logger);
      return;
    }
    done();
  });
}

// The media type of a Content-Type header, without parameters, lower-cased ('' when absent).
export function mediaTypeOf(contentType: string | undefined): string {
  return (contentType ?? '').split(';')[0].trim().toLowerCase();
}

function parseSafeJson(request: FastifyRequest, body: string): unknown {
  const mediaType = mediaTypeOf(request.headers['content-type']);
  if (mediaType !== JSON_MEDIA_TYPE && request.method !== 'PATCH') {
    throw new DomainError('UNSUPPORTED_MEDIA_TYPE', `Content-Type must be ${JSON_MEDIA_TYPE}`);
  }
  if (body.length === 0) throw new DomainError('MALFORMED_JSON', 'Body is empty but Content-Type is JSON');
  let value: unknown;
  try {
    // JSON.parse is iterative in V8, so depth cannot overflow it; the walk below bounds what follows.
    value = JSON.parse(body);
  } catch {
    throw new DomainError('MALFORMED_JSON', 'Body is not valid JSON');
  }
  assertSafeJson(value, 'The body', { jsonPatch: mediaType === 'application/json-patch+json' });
  return value;
}

function assertSafeParameters(request: FastifyRequest): void {
  const problems: Array<{ field: string; problems: string[] }> = [];
  const query = request.query as Record<string, string | string[]> | undefined;
  const names = query ? Object.keys(query) : [];
  let values = 0;
  for (const name of names) {
    const problem = keyProblem(name, QUERY_LIMITS.maxValueLength);
    if (problem) problems.push({ field: name, problems: [problem] });
    const raw = query![name];
    for (const value of Array.isArray(raw) ? raw : [raw]) {
      values++;
      const valueProblem = typeof value === 'string' ? unsafeStringProblem(value, QUERY_LIMITS.maxValueLength) : undefined;
      if (valueProblem) problems.push({ field: name, problems: [valueProblem] });
    }
  }
  if (values > QUERY_LIMITS.maxParameters) {
    throw new DomainError('VALIDATION_ERROR', `At most ${QUERY_LIMITS.maxParameters} query parameters are accepted`, {
      errors: [{ field: 'query', problems: [`has ${values} parameters`] }],
    });
  }
  const params = request.params as Record<string, string> | undefined;
  for (const [name, value] of Object.entries(params ?? {})) {
    const problem = typeof value === 'string' ? unsafeStringProblem(value, MAX_PATH_PARAMETER_LENGTH) : undefined;
    if (problem) problems.push({ field: name, problems: [problem] });
  }
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', 'Request parameters are invalid', { errors: problems });
}

import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyReply, FastifyRequest } from 'fastify';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { SignJWT } from 'jose';
import { DomainError, JwtKeys, loadJwtKeys, PublicRoute, SkipRateLimit } from '@app/common';
import { ACCESS_TOKEN_AUDIENCE, Principal, Role } from '@app/contracts';
import { GatewayConfig } from '../config/gateway.config';
import { HttpExceptionFilter } from '../errors/http-exception.filter';
import { Roles } from './access.decorators';
import { AccessGuard } from './access.guard';
import { AccessService } from './access.service';
import { JwtStrategy } from './jwt.strategy';
import { AccessClaims, JwtVerifier } from './jwt.verifier';

const ISSUER = 'plans-platform';

class RoutesController {
  read(): void {}
  @Roles('admin')
  adminOnly(): void {}
  @PublicRoute()
  signup(): void {}
  @PublicRoute()
  @SkipRateLimit()
  live(): void {}
}

interface Sent {
  status: number;
  headers: Record<string, unknown>;
  body: { data: null; error: { code: string; request_id: string } };
}

function sign(key: KeyObject, claims: { sub: string; role: Role; expiresAt?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer(ISSUER)
    .setAudience(ACCESS_TOKEN_AUDIENCE)
    .setIssuedAt(now - 1000)
    .setExpirationTime(claims.expiresAt ?? now + 900)
    .sign(key);
}

// AccessService with its Redis and core parts recorded instead of run; refuse and authorize are the real ones.
function recordingAccess(role: Role) {
  const calls = { anonymous: 0, admitted: [] as AccessClaims[] };
  const access: AccessService = Object.assign(Object.create(AccessService.prototype) as AccessService, {
    limitAnonymous: async () => {
      calls.anonymous += 1;
    },
    admit: async (_request: FastifyRequest, _reply: FastifyReply, claims: AccessClaims): Promise<Principal> => {
      calls.admitted.push(claims);
      return { user: { id: claims.sub, role } as Principal['user'], version: 1, deleted: false };
    },
  });
  return { access, calls };
}

// What a client receives when the guard throws: the global filter's answer.
function answer(error: unknown, request: FastifyRequest): Sent {
  const sent = { headers: {} } as Sent;
  const reply = {
    header: (name: string, value: unknown) => ((sent.headers[name.toLowerCase()] = value), reply),
    status: (status: number) => ((sent.status = status), reply),
    send: (body: Sent['body']) => ((sent.body = body), reply),
  };
  new HttpExceptionFilter().catch(error, new ExecutionContextHost([request, reply]));
  return sent;
}

describe('AccessGuard', () => {
  let keys: JwtKeys;
  let calls: ReturnType<typeof recordingAccess>['calls'];
  let sut: AccessGuard;
  const userId = randomUUID();

  const request = (authorization?: string): FastifyRequest =>
    ({ id: 'request-1', method: 'GET', ip: '203.0.113.7', headers: authorization ? { authorization } : {} }) as FastifyRequest;
  const activate = (req: FastifyRequest, handler: keyof RoutesController = 'read') =>
    sut.canActivate(new ExecutionContextHost([req, {}], RoutesController, RoutesController.prototype[handler]));
  const refusal = (req: FastifyRequest, handler?: keyof RoutesController): Promise<unknown> =>
    activate(req, handler).then(
      () => {
        throw new Error('expected the request to be refused');
      },
      (error: unknown) => error,
    );
  const useRole = (role: Role) => {
    const recording = recordingAccess(role);
    calls = recording.calls;
    sut = new AccessGuard(new Reflector(), recording.access);
  };

  beforeAll(async () => {
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    keys = await loadJwtKeys({ NODE_ENV: 'test', JWT_PRIVATE_KEY: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), JWT_KEYS_DIR: '/nonexistent' }, true);
    new JwtStrategy(new JwtVerifier(keys, { JWT_ISSUER: ISSUER } as GatewayConfig));
  });

  beforeEach(() => useRole('user'));

  it.each<[string, () => Promise<string | undefined>, string]>([
    ['no token is sent', async () => undefined, 'UNAUTHORIZED'],
    ['the header is not "Bearer <token>"', async () => 'Token abc', 'INVALID_TOKEN'],
    ['the token is garbage', async () => 'Bearer not.a.jwt', 'INVALID_TOKEN'],
    [
      'the token has expired',
      async () => `Bearer ${await sign(keys.privateKey!, { sub: userId, role: 'user', expiresAt: Math.floor(Date.now() / 1000) - 10 })}`,
      'TOKEN_EXPIRED',
    ],
    [
      'the token is signed by another key',
      async () => `Bearer ${await sign(generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey, { sub: userId, role: 'admin' })}`,
      'INVALID_TOKEN',
    ],
  ])('should answer 401 with WWW-Authenticate: Bearer and count the caller once as anonymous when %s', async (_case, authorization, code) => {
    const req = request(await authorization());

    const sent = answer(await refusal(req), req);

    expect(sent.status).toBe(401);
    expect(sent.headers['www-authenticate']).toBe('Bearer');
    expect(sent.body).toEqual({ data: null, error: expect.objectContaining({ code, request_id: 'request-1' }) });
    expect(calls).toEqual({ anonymous: 1, admitted: [] });
  });

  it('should answer 429 RATE_LIMITED when a bad token arrives with the anonymous limit spent', async () => {
    const { access } = recordingAccess('user');
    access.limitAnonymous = async () => {
      throw new DomainError('RATE_LIMITED', 'Too many requests');
    };
    sut = new AccessGuard(new Reflector(), access);
    const req = request('Bearer not.a.jwt');

    expect(answer(await refusal(req), req).status).toBe(429);
  });

  it('should admit the token user once and not count them as anonymous when the token is valid', async () => {
    const req = request(`Bearer ${await sign(keys.privateKey!, { sub: userId, role: 'user' })}`);

    await expect(activate(req)).resolves.toBe(true);

    expect(calls).toEqual({ anonymous: 0, admitted: [{ sub: userId, role: 'user', sid: null, tv: 0 }] });
  });

  it('should answer 403 when the role may not call the route', async () => {
    const req = request(`Bearer ${await sign(keys.privateKey!, { sub: userId, role: 'user' })}`);

    expect(answer(await refusal(req, 'adminOnly'), req).status).toBe(403);
  });

  it('should let an admin call an admin route when the token says admin', async () => {
    useRole('admin');
    const req = request(`Bearer ${await sign(keys.privateKey!, { sub: userId, role: 'admin' })}`);

    await expect(activate(req, 'adminOnly')).resolves.toBe(true);
  });

  it('should neither check the token nor count again when the cache fast path already authenticated the request', async () => {
    const req = request('Bearer not.a.jwt');
    req.principal = { user: { id: userId, role: 'user' } as Principal['user'], version: 1, deleted: false };

    await expect(activate(req)).resolves.toBe(true);

    expect(calls).toEqual({ anonymous: 0, admitted: [] });
  });

  it('should let a public route through, counted as anonymous, when it carries a bad token', async () => {
    await expect(activate(request('Bearer not.a.jwt'), 'signup')).resolves.toBe(true);

    expect(calls).toEqual({ anonymous: 1, admitted: [] });
  });

  it('should not count a public route when it skips the rate limit', async () => {
    await expect(activate(request(), 'live')).resolves.toBe(true);

    expect(calls).toEqual({ anonymous: 0, admitted: [] });
  });
});

import { Reflector } from '@nestjs/core';
import { ExecutionContextHost } from '@nestjs/core/helpers/execution-context-host';
import type { FastifyRequest } from 'fastify';
import { generateKeyPairSync, KeyObject, randomUUID } from 'node:crypto';
import { SignJWT, UnsecuredJWT } from 'jose';
import { DomainError, JwtKeys, loadJwtKeys } from '@app/common';
import { ACCESS_TOKEN_AUDIENCE } from '@app/contracts';
import { GatewayConfig } from '../config/gateway.config';
import { AccessGuard } from './access.guard';
import { AccessService } from './access.service';
import { JwtStrategy } from './jwt.strategy';
import { AccessClaims, JwtVerifier } from './jwt.verifier';

const ISSUER = 'plans-platform';

interface Claims {
  sub?: string;
  role?: unknown;
  iss?: string;
  aud?: string;
  // null leaves the claim out.
  expiresAt?: number | null;
  issuedAt?: number | null;
  notBefore?: number;
  sid?: unknown;
  tv?: unknown;
}

function rsaPrivatePem(): string {
  const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
}

// Mirrors apps/core/src/auth/token.issuer.ts, with each claim overridable.
function sign(key: KeyObject, kid: string, claims: Claims = {}): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  const payload: Record<string, unknown> = claims.role === undefined ? {} : { role: claims.role };
  if (claims.sid !== undefined) payload.sid = claims.sid;
  if (claims.tv !== undefined) payload.tv = claims.tv;
  const jwt = new SignJWT(payload)
    .setProtectedHeader({ alg: 'RS256', kid, typ: 'JWT' })
    .setIssuer(claims.iss ?? ISSUER)
    .setAudience(claims.aud ?? ACCESS_TOKEN_AUDIENCE)
    .setJti(randomUUID());
  if (claims.issuedAt !== null) jwt.setIssuedAt(claims.issuedAt ?? now);
  if (claims.expiresAt !== null) jwt.setExpirationTime(claims.expiresAt ?? now + 900);
  if (claims.notBefore !== undefined) jwt.setNotBefore(claims.notBefore);
  if (claims.sub !== undefined) jwt.setSubject(claims.sub);
  return jwt.sign(key);
}

async function rejection(promise: Promise<unknown>): Promise<DomainError> {
  const error = await promise.then(
    () => {
      throw new Error('expected the token to be rejected');
    },
    (caught: unknown) => caught,
  );
  expect(error).toBeInstanceOf(DomainError);
  return error as DomainError;
}

class AnyRoleController {
  read(): void {}
}

type Verification = (token: string) => Promise<AccessClaims>;

// The Nest route path: passport's jwt strategy behind AccessGuard, with its failure mapping. Only the counting
// and principal parts of AccessService are stood in for (access.guard.spec covers how the guard uses them).
function throughGuard(verifier: JwtVerifier): Verification {
  new JwtStrategy(verifier);
  const access = {
    refuse: (_request: unknown, _reply: unknown, refusal: Error) => Promise.reject(refusal),
    admit: async () => ({ user: { role: 'user' }, version: 1, deleted: false }),
    authorize: () => undefined,
  } as unknown as AccessService;
  const guard = new AccessGuard(new Reflector(), access);
  return async (token) => {
    const request = { headers: { authorization: `Bearer ${token}` }, method: 'GET' } as FastifyRequest;
    await guard.canActivate(new ExecutionContextHost([request, {}], AnyRoleController, AnyRoleController.prototype.read));
    return request.accessClaims!;
  };
}

// Every case runs through both ways a token is checked, which must accept and refuse exactly the same tokens:
// the shared verify the cache fast path calls, and passport's strategy on the Nest routes.
describe.each<[string, (verifier: JwtVerifier) => Verification]>([
  ['JwtVerifier.verify (cache fast path)', (verifier) => async (token) => verifier.verify(token)],
  ['AccessGuard with the passport jwt strategy (Nest routes)', throughGuard],
])('%s', (_path, entryPoint) => {
  let keys: JwtKeys;
  let publicPem: string;
  let sut: Verification;
  const userId = randomUUID();
  const good = (claims: Claims = {}) => sign(keys.privateKey!, keys.kid, { sub: userId, role: 'user', ...claims });

  beforeAll(async () => {
    keys = await loadJwtKeys({ NODE_ENV: 'test', JWT_PRIVATE_KEY: rsaPrivatePem(), JWT_KEYS_DIR: '/nonexistent' }, true);
    publicPem = keys.publicKey.export({ type: 'spki', format: 'pem' }).toString();
    sut = entryPoint(new JwtVerifier(keys, { JWT_ISSUER: ISSUER } as GatewayConfig));
  });

  it.each(['admin', 'user', 'readonly'])('should return the subject and role when a valid token has role %s', async (role) => {
    await expect(sut(await good({ role }))).resolves.toEqual({ sub: userId, role, sid: null, tv: 0 });
  });

  it('should return the session and token version when the token carries sid and tv', async () => {
    const sid = randomUUID();

    await expect(sut(await good({ sid, tv: 3 }))).resolves.toEqual({ sub: userId, role: 'user', sid, tv: 3 });
  });

  it('should reject with TOKEN_EXPIRED when the token has expired', async () => {
    const now = Math.floor(Date.now() / 1000);
    const token = await good({ issuedAt: now - 1000, expiresAt: now - 10 });

    expect((await rejection(sut(token))).code).toBe('TOKEN_EXPIRED');
  });

  it.each<[string, () => Promise<string>]>([
    ['the issuer is another one', () => good({ iss: 'someone-else' })],
    ['the audience is another one', () => good({ aud: 'another-api' })],
    ['the subject is not a UUID', () => good({ sub: 'admin' })],
    ['the subject is missing', () => sign(keys.privateKey!, keys.kid, { role: 'user' })],
    ['the role is not a known role', () => good({ role: 'superuser' })],
    ['the role is missing', () => sign(keys.privateKey!, keys.kid, { sub: userId })],
    ['the role is not a string', () => good({ role: ['admin'] })],
    ['the expiry is missing', () => good({ expiresAt: null })],
    ['the issued-at is missing', () => good({ issuedAt: null })],
    ['the session is not a UUID', () => good({ sid: 'session-1' })],
    ['the token version is negative', () => good({ tv: -1 })],
    ['the token version is not an integer', () => good({ tv: 1.5 })],
    ['the token version is a string', () => good({ tv: '2' })],
    ['the token is not valid yet', () => good({ notBefore: Math.floor(Date.now() / 1000) + 600 })],
  ])('should reject with INVALID_TOKEN when %s', async (_case, token) => {
    const error = await rejection(sut(await token()));

    expect(error.code).toBe('INVALID_TOKEN');
  });

  it('should reject with INVALID_TOKEN when the token is unsigned (alg none)', async () => {
    const token = new UnsecuredJWT({ role: 'admin' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .encode();

    expect((await rejection(sut(token))).code).toBe('INVALID_TOKEN');
  });

  it('should reject with INVALID_TOKEN when the token is HS256 signed with the public key as the secret', async () => {
    const token = await new SignJWT({ role: 'admin' })
      .setProtectedHeader({ alg: 'HS256', kid: keys.kid, typ: 'JWT' })
      .setSubject(userId)
      .setIssuer(ISSUER)
      .setAudience(ACCESS_TOKEN_AUDIENCE)
      .setIssuedAt()
      .setExpirationTime('15m')
      .sign(new TextEncoder().encode(publicPem));

    expect((await rejection(sut(token))).code).toBe('INVALID_TOKEN');
  });

  it('should reject with INVALID_TOKEN when the token is signed by another key', async () => {
    const other = await loadJwtKeys({ NODE_ENV: 'test', JWT_PRIVATE_KEY: rsaPrivatePem(), JWT_KEYS_DIR: '/nonexistent' }, true);
    const token = await sign(other.privateKey!, keys.kid, { sub: userId, role: 'admin' });

    expect((await rejection(sut(token))).code).toBe('INVALID_TOKEN');
  });

  it('should reject with INVALID_TOKEN when the payload was altered after signing', async () => {
    const [header, , signature] = (await good({ role: 'readonly' })).split('.');
    const forged = Buffer.from(JSON.stringify({ sub: userId, role: 'admin', iss: ISSUER, aud: ACCESS_TOKEN_AUDIENCE, iat: 1, exp: 4_102_444_800 })).toString('base64url');

    expect((await rejection(sut(`${header}.${forged}.${signature}`))).code).toBe('INVALID_TOKEN');
  });

  it('should reject with INVALID_TOKEN when the token is not a JWT at all', async () => {
    expect((await rejection(sut('not-a-token'))).code).toBe('INVALID_TOKEN');
  });
});

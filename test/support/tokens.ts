import { createPrivateKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { SignJWT } from 'jose';
import { TEST_ENV } from './test-env';

export function platformPrivateKey(): KeyObject {
  return createPrivateKey(readFileSync(join(TEST_ENV.JWT_KEYS_DIR, 'jwt-private.pem'), 'utf8'));
}

export function foreignPrivateKey(): KeyObject {
  return generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey;
}

// Signs an access token the way core does, with overridable claims, for forging test cases.
export function signAccessToken(key: KeyObject, claims: { sub: string; role?: string; expiresAt?: number; issuedAt?: number }): Promise<string> {
  const now = Math.floor(Date.now() / 1000);
  return new SignJWT({ role: claims.role ?? 'user' })
    .setProtectedHeader({ alg: 'RS256', typ: 'JWT' })
    .setSubject(claims.sub)
    .setIssuer('plans-platform')
    .setAudience('plans-platform-api')
    .setIssuedAt(claims.issuedAt ?? now)
    .setExpirationTime(claims.expiresAt ?? now + 600)
    .sign(key);
}

export function unsignedToken(sub: string): string {
  const encode = (value: object) => Buffer.from(JSON.stringify(value)).toString('base64url');
  const now = Math.floor(Date.now() / 1000);
  return `${encode({ alg: 'none', typ: 'JWT' })}.${encode({ sub, role: 'admin', iss: 'plans-platform', aud: 'plans-platform-api', iat: now, exp: now + 600 })}.`;
}

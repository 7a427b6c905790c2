import { createPrivateKey, createPublicKey, generateKeyPairSync, KeyObject } from 'node:crypto';
import { existsSync, linkSync, mkdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { calculateJwkThumbprint, exportJWK, JWK } from 'jose';

export interface JwtKeyConfig {
  NODE_ENV: string;
  JWT_PRIVATE_KEY?: string;
  JWT_PRIVATE_KEY_FILE?: string;
  JWT_PUBLIC_KEY?: string;
  JWT_PUBLIC_KEY_FILE?: string;
  JWT_KEYS_DIR: string;
}

export interface JwtKeys {
  kid: string;
  privateKey?: KeyObject;
  publicKey: KeyObject;
  jwk: JWK;
}

const pem = (inline?: string, file?: string): string | undefined => (inline ? inline.replace(/\\n/g, '\n') : file ? readFileSync(file, 'utf8') : undefined);

// Development convenience: one key pair generated once into a git-ignored folder, so tokens survive restarts.
// The key is written to a temp name and hard-linked into place: link fails if the file exists, so when two
// apps start together exactly one key wins and both read it, never half a file.
function devKeyPem(dir: string): string {
  const path = join(dir, 'jwt-private.pem');
  if (!existsSync(path)) {
    mkdirSync(dir, { recursive: true, mode: 0o700 });
    const { privateKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const tmp = `${path}.${process.pid}.tmp`;
    writeFileSync(tmp, privateKey.export({ type: 'pkcs8', format: 'pem' }), { mode: 0o600 });
    try {
      linkSync(tmp, path);
    } catch (error) {
      if ((error as NodeJS.ErrnoException).code !== 'EEXIST') throw error;
    } finally {
      unlinkSync(tmp);
    }
  }
  return readFileSync(path, 'utf8');
}

export async function loadJwtKeys(config: JwtKeyConfig, needPrivate: boolean): Promise<JwtKeys> {
  let privatePem = pem(config.JWT_PRIVATE_KEY, config.JWT_PRIVATE_KEY_FILE);
  const publicPem = pem(config.JWT_PUBLIC_KEY, config.JWT_PUBLIC_KEY_FILE);
  if (!privatePem && !publicPem) {
    if (config.NODE_ENV === 'production') {
      throw new Error('JWT keys are not configured: set JWT_PRIVATE_KEY(_FILE) and/or JWT_PUBLIC_KEY(_FILE)');
    }
    privatePem = devKeyPem(config.JWT_KEYS_DIR);
  }
  if (needPrivate && !privatePem) throw new Error('JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE is required to sign tokens');
  const privateKey = privatePem ? createPrivateKey(privatePem) : undefined;
  const publicKey = publicPem ? createPublicKey(publicPem) : createPublicKey(privateKey!);
  const jwk = await exportJWK(publicKey);
  const kid = await calculateJwkThumbprint(jwk);
  return { kid, privateKey, publicKey, jwk: { ...jwk, kid, alg: 'RS256', use: 'sig' } };
}

import { generateKeyPairSync } from 'node:crypto';
import { existsSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { JwtKeyConfig, loadJwtKeys } from './jwt-keys.util';

function rsaPems(): { privatePem: string; publicPem: string } {
  const { privateKey, publicKey } = generateKeyPairSync('rsa', { modulusLength: 2048 });
  return {
    privatePem: privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(),
    publicPem: publicKey.export({ type: 'spki', format: 'pem' }).toString(),
  };
}

describe('loadJwtKeys', () => {
  const sut = loadJwtKeys;
  let dir: string;

  beforeEach(() => {
    dir = mkdtempSync(join(tmpdir(), 'jwt-keys-spec-'));
  });

  afterEach(() => {
    rmSync(dir, { recursive: true, force: true });
  });

  it('should generate one private key into the keys folder when no key is configured in development', async () => {
    const keysDir = join(dir, 'nested', '.keys');

    const keys = await sut({ NODE_ENV: 'development', JWT_KEYS_DIR: keysDir }, true);

    expect(readdirSync(keysDir)).toEqual(['jwt-private.pem']);
    expect(statSync(join(keysDir, 'jwt-private.pem')).mode & 0o077).toBe(0);
    expect(keys.privateKey?.asymmetricKeyType).toBe('rsa');
    expect(keys.jwk).toEqual(expect.objectContaining({ kid: keys.kid, alg: 'RS256', use: 'sig', kty: 'RSA' }));
    expect(keys.jwk).not.toHaveProperty('d');
  });

  it('should return the same kid when the development keys are loaded a second time', async () => {
    const config: JwtKeyConfig = { NODE_ENV: 'development', JWT_KEYS_DIR: dir };

    const first = await sut(config, true);
    const second = await sut(config, false);

    expect(second.kid).toBe(first.kid);
    expect(readdirSync(dir)).toEqual(['jwt-private.pem']);
  });

  it('should throw and write no key when no key is configured in production', async () => {
    const keysDir = join(dir, 'prod-keys');

    await expect(sut({ NODE_ENV: 'production', JWT_KEYS_DIR: keysDir }, false)).rejects.toThrow(/JWT keys are not configured/);
    expect(existsSync(keysDir)).toBe(false);
  });

  it('should load a verifier from the public key alone when no private key is needed', async () => {
    const { privatePem, publicPem } = rsaPems();
    const signer = await sut({ NODE_ENV: 'production', JWT_PRIVATE_KEY: privatePem, JWT_KEYS_DIR: dir }, true);

    const keys = await sut({ NODE_ENV: 'production', JWT_PUBLIC_KEY: publicPem, JWT_KEYS_DIR: dir }, false);

    expect(keys.privateKey).toBeUndefined();
    expect(keys.kid).toBe(signer.kid);
    expect(readdirSync(dir)).toEqual([]);
  });

  it('should throw when only a public key is configured but signing is needed', async () => {
    const { publicPem } = rsaPems();

    await expect(sut({ NODE_ENV: 'production', JWT_PUBLIC_KEY: publicPem, JWT_KEYS_DIR: dir }, true)).rejects.toThrow(
      /JWT_PRIVATE_KEY or JWT_PRIVATE_KEY_FILE is required/,
    );
  });

  it('should read keys with escaped newlines when they come from a one-line environment variable', async () => {
    const { privatePem } = rsaPems();
    const reference = await sut({ NODE_ENV: 'production', JWT_PRIVATE_KEY: privatePem, JWT_KEYS_DIR: dir }, true);

    const keys = await sut({ NODE_ENV: 'production', JWT_PRIVATE_KEY: privatePem.replace(/\n/g, '\\n'), JWT_KEYS_DIR: dir }, true);

    expect(keys.kid).toBe(reference.kid);
  });

  it('should read the private key from a file when JWT_PRIVATE_KEY_FILE is set', async () => {
    const { privatePem } = rsaPems();
    const file = join(dir, 'key.pem');
    writeFileSync(file, privatePem);
    const reference = await sut({ NODE_ENV: 'production', JWT_PRIVATE_KEY: privatePem, JWT_KEYS_DIR: dir }, true);

    const keys = await sut({ NODE_ENV: 'production', JWT_PRIVATE_KEY_FILE: file, JWT_KEYS_DIR: dir }, true);

    expect(keys.kid).toBe(reference.kid);
  });
});

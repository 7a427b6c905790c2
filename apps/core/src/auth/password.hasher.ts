import { Injectable } from '@nestjs/common';
import * as argon2 from 'argon2';

const OPTIONS = { type: argon2.argon2id, memoryCost: 19_456, timeCost: 2, parallelism: 1 } as const;

// argon2id with the OWASP minimum profile (19 MiB, t=2, p=1).
@Injectable()
export class PasswordHasher {
  // Verified against when the user does not exist, so "no such user" costs the same time as "wrong password".
  private readonly dummyHash = argon2.hash('dummy-password-for-timing', OPTIONS);

  hash(password: string): Promise<string> {
    return argon2.hash(password, OPTIONS);
  }

  async verify(hash: string | undefined, password: string): Promise<boolean> {
    try {
      return await argon2.verify(hash ?? (await this.dummyHash), password);
    } catch {
      return false;
    }
  }
}

import { Principal } from '@app/contracts';
import { principalRefusal } from './principal-admission.util';

const KEPT = '3f1c2d4e-5a6b-4c7d-8e9f-0a1b2c3d4e5f';
const OTHER = '9a8b7c6d-5e4f-4a3b-8c2d-1e0f9a8b7c6d';

function principal(fields: Partial<Principal> = {}): Principal {
  return { user: { id: 'u', role: 'user' } as Principal['user'], version: 3, deleted: false, token_version: 2, kept_session: KEPT, ...fields };
}

describe('principalRefusal', () => {
  it('should admit a token when it was issued at the current token version', () => {
    expect(principalRefusal(principal(), { sid: OTHER, tv: 2 })).toBeNull();
  });

  it('should refuse a token when the user is deleted', () => {
    expect(principalRefusal(principal({ deleted: true }), { sid: OTHER, tv: 2 })).toMatch(/no longer exists/);
  });

  it('should refuse a token of another session when it was issued before the last password change', () => {
    expect(principalRefusal(principal(), { sid: OTHER, tv: 1 })).toMatch(/password change/);
  });

  it('should admit an older token when its session is the one that changed its own password', () => {
    expect(principalRefusal(principal(), { sid: KEPT, tv: 1 })).toBeNull();
  });

  it('should refuse an older token without a session when a session is kept', () => {
    expect(principalRefusal(principal(), { sid: null, tv: 0 })).toMatch(/password change/);
  });

  it('should refuse every older token when an admin changed the password (no kept session)', () => {
    expect(principalRefusal(principal({ kept_session: null }), { sid: KEPT, tv: 1 })).toMatch(/password change/);
  });

  it('should admit tokens without claims when the cached principal predates token versions', () => {
    expect(principalRefusal(principal({ token_version: undefined, kept_session: undefined }), { sid: null, tv: 0 })).toBeNull();
  });
});

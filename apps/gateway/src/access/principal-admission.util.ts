import { Principal } from '@app/contracts';

// The session an access token belongs to: its refresh token family (`sid`) and the user's token_version when it
// was issued (`tv`). Tokens issued before these claims existed have neither: null and 0.
export interface TokenSession {
  sid: string | null;
  tv: number;
}

// Why a principal no longer admits an access token: the user is gone, or the token's session ended with a
// password change (every session but the one that changed its own password). Null when it admits it. Every
// gateway path (cache fast path, order fast path, Nest routes) goes through this one rule.
export function principalRefusal(principal: Principal, session: TokenSession): string | null {
  if (principal.deleted) return 'The user of this token no longer exists';
  const current = principal.token_version ?? 0;
  if (session.tv < current && (session.sid === null || session.sid !== (principal.kept_session ?? null))) {
    return 'This session ended with a password change; sign in again';
  }
  return null;
}

// The console's only way to the platform: the gateway's public API, with the tokens held in this module's memory
// (never in the URL, localStorage, sessionStorage or a cookie). One refresh runs at a time: core revokes a whole
// token family when a spent refresh token is replayed, so two parallel refreshes would sign the admin out.

export interface Tokens {
  access_token: string;
  refresh_token: string;
}

export interface Me {
  id: string;
  name: string;
  email: string;
  role: 'admin' | 'user' | 'readonly';
}

export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly code: string,
    message: string,
    readonly requestId: string | null,
  ) {
    super(message);
  }
}

const API = '/api/v1';
let tokens: Tokens | null = null;
let refreshing: Promise<boolean> | null = null;
let onSignedOut: () => void = () => undefined;

export function whenSignedOut(listener: () => void): void {
  onSignedOut = listener;
}

async function errorOf(response: Response): Promise<ApiError> {
  const requestId = response.headers.get('x-request-id');
  try {
    const body = (await response.json()) as { error?: { code?: string; message?: string; request_id?: string } };
    return new ApiError(response.status, body.error?.code ?? 'ERROR', body.error?.message ?? response.statusText, body.error?.request_id ?? requestId);
  } catch {
    return new ApiError(response.status, 'ERROR', `${response.status} ${response.statusText}`, requestId);
  }
}

function send(path: string, init: RequestInit, token?: string): Promise<Response> {
  const headers = new Headers(init.headers);
  if (init.body !== undefined) headers.set('content-type', 'application/json');
  if (token) headers.set('authorization', `Bearer ${token}`);
  return fetch(`${API}${path}`, { ...init, headers, credentials: 'omit', cache: 'no-store' });
}

function refreshOnce(): Promise<boolean> {
  refreshing ??= (async () => {
    try {
      if (!tokens) return false;
      const response = await send('/auth/refresh', { method: 'POST', body: JSON.stringify({ refresh_token: tokens.refresh_token }) });
      if (!response.ok) return false;
      tokens = (await response.json()) as Tokens;
      return true;
    } catch {
      return false;
    } finally {
      refreshing = null;
    }
  })();
  return refreshing;
}

// A call with the current access token; on 401 one shared refresh, then the call again.
export async function api<T>(path: string, init: RequestInit = {}): Promise<T> {
  if (refreshing) await refreshing;
  let response = await send(path, init, tokens?.access_token);
  if (response.status === 401 && tokens) {
    if (await refreshOnce()) response = await send(path, init, tokens?.access_token);
    else {
      tokens = null;
      onSignedOut();
    }
  }
  if (!response.ok) throw await errorOf(response);
  if (response.status === 204) return undefined as T;
  return (await response.json()) as T;
}

export async function signIn(email: string, password: string): Promise<Me> {
  const response = await send('/auth/token', { method: 'POST', body: JSON.stringify({ username: email, password }) });
  if (!response.ok) throw await errorOf(response);
  tokens = (await response.json()) as Tokens;
  return api<Me>('/users/me');
}

// Revokes the refresh token, then forgets both tokens whatever the answer.
export async function signOut(): Promise<void> {
  const current = tokens;
  tokens = null;
  if (!current) return;
  try {
    await send('/auth/logout', { method: 'POST', body: JSON.stringify({ refresh_token: current.refresh_token }) }, current.access_token);
  } catch {
    // signed out locally either way
  }
}

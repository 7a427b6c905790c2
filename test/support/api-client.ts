import { randomUUID } from 'node:crypto';
import { TEST_ENV } from './test-env';

export interface ApiResponse<T = any> {
  status: number;
  headers: Headers;
  body: T;
  text: string;
}

export interface RequestOptions {
  token?: string;
  body?: unknown;
  rawBody?: string | Uint8Array;
  headers?: Record<string, string>;
}

// A thin HTTP client for driving the gateway the way a user would.
export class ApiClient {
  constructor(readonly baseUrl: string) {}

  async request<T = any>(method: string, path: string, options: RequestOptions = {}): Promise<ApiResponse<T>> {
    const headers: Record<string, string> = { ...(options.headers ?? {}) };
    if (options.token) headers.authorization = `Bearer ${options.token}`;
    let body: string | Uint8Array | undefined = options.rawBody;
    if (options.body !== undefined) {
      body = JSON.stringify(options.body);
      headers['content-type'] ??= 'application/json';
    }
    const response = await fetch(`${this.baseUrl}${path}`, { method, headers, body });
    const text = await response.text();
    let parsed: unknown;
    try {
      parsed = text ? JSON.parse(text) : undefined;
    } catch {
      parsed = undefined;
    }
    return { status: response.status, headers: response.headers, body: parsed as T, text };
  }

  get<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('GET', path, options);
  }

  post<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('POST', path, { ...options, body });
  }

  put<T = any>(path: string, body?: unknown, options: RequestOptions = {}) {
    return this.request<T>('PUT', path, { ...options, body });
  }

  delete<T = any>(path: string, options?: RequestOptions) {
    return this.request<T>('DELETE', path, options);
  }
}

export interface TestUser {
  id: string;
  email: string;
  password: string;
  accessToken: string;
  refreshToken: string;
}

export function uniqueEmail(prefix = 'user'): string {
  return `${prefix}-${randomUUID().slice(0, 8)}@example.com`;
}

export async function signupAndLogin(api: ApiClient, overrides: Record<string, unknown> = {}): Promise<TestUser> {
  const email = uniqueEmail();
  const password = 'correct-horse-1';
  const signup = await api.post('/api/v1/auth/signup', { name: 'Test User', email, password, ...overrides });
  if (signup.status !== 201) throw new Error(`signup failed: ${signup.status} ${signup.text}`);
  return { id: signup.body.id, ...(await login(api, (overrides.email as string) ?? email, (overrides.password as string) ?? password)) };
}

export async function login(api: ApiClient, email: string, password: string) {
  const token = await api.post('/api/v1/auth/token', { username: email, password });
  if (token.status !== 200) throw new Error(`login failed: ${token.status} ${token.text}`);
  return { email, password, accessToken: token.body.access_token, refreshToken: token.body.refresh_token };
}

export function loginAdmin(api: ApiClient) {
  return login(api, TEST_ENV.ADMIN_EMAIL, TEST_ENV.ADMIN_PASSWORD);
}

// Asserts the contract's error envelope and returns the error for further checks.
export function expectErrorEnvelope(response: ApiResponse, status: number, code: string) {
  expect({ status: response.status, code: response.body?.error?.code }).toEqual({ status, code });
  expect(response.body.data).toBeNull();
  expect(typeof response.body.error.message).toBe('string');
  expect(new Date(response.body.error.timestamp).toISOString()).toBe(response.body.error.timestamp);
  expect(response.body.error.request_id).toBe(response.headers.get('x-request-id'));
  expect(response.text).not.toMatch(/at .*\.js:\d+|SELECT |INSERT |node_modules/);
  return response.body.error;
}

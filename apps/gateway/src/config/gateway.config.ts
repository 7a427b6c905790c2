import { baseEnvSchema, durationMs, ianaTimeZone, jwtKeyEnvSchema, parseEnv, port, positiveInt } from '@app/common';
import { z } from 'zod';
import { parseTrustProxy, TrustProxy } from '../http/trust-proxy.util';

// Exported for the deploy tests, which hold the manifests' variables to it.
export const gatewayEnvSchema = baseEnvSchema.merge(jwtKeyEnvSchema).extend({
  PORT: port(3000),
  RPC_TIMEOUT_MS: positiveInt(5000),
  // Core bounds a sales view refresh by this; the gateway waits that long plus RPC_TIMEOUT_MS for its answer.
  MV_REFRESH_TIMEOUT_MS: positiveInt(300_000),
  BODY_LIMIT_BYTES: positiveInt(1_048_576),
  RATE_LIMIT_ANON_PER_HOUR: positiveInt(100),
  RATE_LIMIT_USER_PER_HOUR: positiveInt(1000),
  // POST /orders: how long to wait for the broker's confirm before answering 503.
  ORDER_PUBLISH_TIMEOUT_MS: positiveInt(5000),
  // How long an Idempotency-Key's answer is kept in Redis. Postgres keeps the key with the order for good, so the
  // contract's 24 h hold with a shorter TTL too: a key Redis does not know is then checked with core (less memory,
  // one RPC per such request).
  IDEMPOTENCY_KEY_TTL: durationMs('24h').refine((ms) => ms >= 60_000, 'must be at least 1m'),
  ORDER_CACHE_TTL: durationMs('10m'),
  // GET /events/search reads a query without offset as wall-clock time here.
  PROVIDER_TIMEZONE: ianaTimeZone('Europe/Madrid'),
  // The in-process cache of provider searches (per gateway process): entries, their total size, and how long
  // an entry lives even when the catalog does not change.
  PROVIDER_SEARCH_CACHE_MAX_ENTRIES: positiveInt(1000),
  PROVIDER_SEARCH_CACHE_MAX_BYTES: positiveInt(64 * 1024 * 1024),
  PROVIDER_SEARCH_CACHE_TTL: durationMs('60s'),
  // Per-account login throttling (see login-lockout.policy.ts): failures per window, then an exponential lock-out.
  LOGIN_MAX_FAILURES: positiveInt(10),
  LOGIN_FAILURE_WINDOW: durationMs('15m'),
  LOGIN_LOCKOUT_BASE: durationMs('1m'),
  LOGIN_LOCKOUT_MAX: durationMs('1h'),
  // The broker's management API, for the Overview's unacked counts (AMQP's checkQueue has no unacked count):
  // http(s)://USER:PASSWORD@HOST:15672[/VHOST] (KEDA's format; without a vhost, RABBITMQ_URL's). Unset: unacked unknown.
  RABBITMQ_MANAGEMENT_URL: z
    .string()
    .url()
    .refine((value) => ['http:', 'https:'].includes(new URL(value).protocol), 'must be a URL (http: or https:)')
    .optional(),
  // Which X-Forwarded-For hops are proxies of ours; the client IP (rate limits) is the first untrusted one from the right.
  TRUST_PROXY: z
    .string()
    .default('false')
    .transform((raw, ctx): TrustProxy => {
      const parsed = parseTrustProxy(raw);
      if ('value' in parsed) return parsed.value;
      ctx.addIssue({ code: z.ZodIssueCode.custom, message: parsed.problem });
      return z.NEVER;
    }),
});

export type GatewayConfig = z.infer<typeof gatewayEnvSchema>;
export const GATEWAY_CONFIG = Symbol('GATEWAY_CONFIG');

// The only place the gateway reads the environment.
export function loadGatewayConfig(env: NodeJS.ProcessEnv = process.env): GatewayConfig {
  return parseEnv(gatewayEnvSchema, env);
}

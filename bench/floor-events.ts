import { DateTime } from 'luxon';
import { Client } from 'pg';
import { decide, queueRateLimit } from '../apps/gateway/src/rate-limit/rate-limiter';
import { connectFloorRedis, createFloorApp, fail } from './floor-app.util';

// The least a server can do to answer GET /events/search the way the gateway does on a cache hit: the per-IP rate
// limit (one Redis round trip, the gateway's own script and arithmetic), both bounds parsed in the provider's
// zone, the events in range from memory, the contract's envelope and headers. The catalog is loaded from Postgres
// once at start (the bench does not sync while measuring), sorted by start then id like the gateway's answer.
const JSON_TYPE = 'application/json; charset=utf-8';

interface FloorEvent {
  startsAt: number;
  endsAt: number;
  json: string; // the event as the contract writes it
}

export interface FloorEventsOptions {
  port: number;
  redisUrl: string;
  databaseUrl: string;
  timeZone: string;
  anonLimitPerHour: number;
}

async function loadCatalog(databaseUrl: string): Promise<{ events: FloorEvent[]; syncedAt: string | null }> {
  const client = new Client({ connectionString: databaseUrl });
  await client.connect();
  try {
    const { rows } = await client.query<{ id: string; title: string; sd: string; st: string; ed: string; et: string; min: string; max: string; s: Date; e: Date }>(
      `SELECT id, title, to_char(start_local, 'YYYY-MM-DD') AS sd, to_char(start_local, 'HH24:MI:SS') AS st,
              to_char(end_local, 'YYYY-MM-DD') AS ed, to_char(end_local, 'HH24:MI:SS') AS et,
              min_price AS min, max_price AS max, starts_at AS s, ends_at AS e
         FROM provider_plans WHERE ever_online ORDER BY starts_at, id`,
    );
    const state = await client.query<{ last_synced_at: Date | null }>(`SELECT last_synced_at FROM provider_sync_state WHERE provider = 'default'`);
    return {
      events: rows.map((row) => ({
        startsAt: row.s.getTime(),
        endsAt: row.e.getTime(),
        json: JSON.stringify({
          id: row.id,
          title: row.title,
          start_date: row.sd,
          start_time: row.st,
          end_date: row.ed,
          end_time: row.et,
          min_price: Number(row.min),
          max_price: Number(row.max),
        }),
      })),
      syncedAt: state.rows[0]?.last_synced_at?.toISOString() ?? null,
    };
  } finally {
    await client.end();
  }
}

export async function startFloorEvents(options: FloorEventsOptions): Promise<{ close(): Promise<void> }> {
  const { events, syncedAt } = await loadCatalog(options.databaseUrl);
  const redis = await connectFloorRedis(options.redisUrl, 'bench-floor-events');

  const bound = (raw: unknown, edge: 'start' | 'end'): number | undefined | null => {
    if (raw === undefined) return undefined;
    if (typeof raw !== 'string') return null;
    const parsed = DateTime.fromISO(raw, { zone: options.timeZone, setZone: true });
    if (!parsed.isValid) return null;
    return (raw.length === 10 ? (edge === 'start' ? parsed.startOf('day') : parsed.endOf('day')) : parsed).toMillis();
  };

  // Binary search: the first event starting at or after `from`.
  const firstFrom = (from: number): number => {
    let low = 0;
    let high = events.length;
    while (low < high) {
      const mid = (low + high) >>> 1;
      if (events[mid].startsAt < from) low = mid + 1;
      else high = mid;
    }
    return low;
  };

  const app = createFloorApp();
  app.get<{ Querystring: Record<string, unknown> }>('/api/v1/events/search', async (request, reply) => {
    reply.header('X-Request-Id', request.id);
    const [[error, counter]] = (await queueRateLimit(redis.pipeline(), `ip:${request.ip}`).exec()) as [[Error | null, [number, number]]];
    if (error) return fail(reply, 503, 'CACHE_UNAVAILABLE');
    const decision = decide(options.anonLimitPerHour, counter[0], counter[1], Date.now());
    reply.header('X-RateLimit-Limit', decision.limit).header('X-RateLimit-Remaining', decision.remaining).header('X-RateLimit-Reset', decision.resetEpochSeconds);
    if (!decision.allowed) return fail(reply.header('Retry-After', decision.retryAfterSeconds), 429, 'RATE_LIMITED');

    const from = bound(request.query.starts_at, 'start');
    const to = bound(request.query.ends_at, 'end');
    if (from === null || to === null) return fail(reply, 400, 'VALIDATION_ERROR');
    const parts: string[] = [];
    for (let index = from === undefined ? 0 : firstFrom(from); index < events.length; index += 1) {
      const event = events[index];
      if (to !== undefined && event.startsAt > to) break;
      if (to === undefined || event.endsAt <= to) parts.push(event.json);
    }
    if (syncedAt) reply.header('X-Data-Synced-At', syncedAt);
    return reply
      .code(200)
      .header('Content-Type', JSON_TYPE)
      .send(`{"data":{"events":[${parts.join(',')}]},"error":null}`);
  });
  await app.listen({ port: options.port, host: '127.0.0.1' });
  return {
    close: async () => {
      await app.close();
      redis.disconnect();
    },
  };
}

// Run as its own process by the events bench, so the floor does not share an event loop with the load.
if (require.main === module) {
  const env = process.env;
  startFloorEvents({
    port: Number(env.PORT ?? 3224),
    redisUrl: env.REDIS_URL ?? 'redis://127.0.0.1:6379',
    databaseUrl: env.DATABASE_URL ?? 'postgres://postgres@127.0.0.1:5432/plans_platform',
    timeZone: env.PROVIDER_TIMEZONE ?? 'Europe/Madrid',
    anonLimitPerHour: Number(env.RATE_LIMIT_ANON_PER_HOUR ?? 100),
  }).then(
    (server) => {
      const stop = () => void server.close().then(() => process.exit(0));
      process.once('SIGTERM', stop);
      process.once('SIGINT', stop);
    },
    (error: unknown) => {
      process.stderr.write(`events floor failed to start: ${(error as Error).message}\n`);
      process.exit(1);
    },
  );
}

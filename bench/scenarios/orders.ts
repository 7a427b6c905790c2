import { randomUUID } from 'node:crypto';
import amqplib, { ChannelModel } from 'amqplib';
import { call, expectStatus } from '../http.util';
import { cpuMicros } from '../proc-stats.util';
import type { Section } from '../results.util';
import type { BenchModule, Harness } from '../scenario.types';
import type { SummaryRow } from '../summary.util';

// POST /orders and the orders drain (issue 8), in the one harness:
//   - orders-post: the project (gateway + core) against the hand-written floor (orders-floor.ts, its own
//     process) in interleaved rounds. Core stores both targets' orders (the floor publishes to core's queue), so
//     both sides carry the same storing; a round ends once core's queue is empty, and core's CPU counts for both.
//   - orders-drain: N orders on core's queue while core is stopped, then core started; orders stored per second
//     from the first stored to the last, and core's CPU per order over the same window.
const QUEUE = 'core.orders';
const ORDER = { product_name: 'Bench annual subscription', amount: 49.99 };
const DRAIN_IN_FLIGHT = 2000;
const POLL_MS = 50;
const TIMEOUT_MS = 180_000;
// Issue 8's targets, the only ones these paths have.
const POST_MIN_RATIO = 0.8;
const DRAIN_MIN_PER_SECOND = 20_000;

const sleep = (ms: number) => new Promise((done) => setTimeout(done, ms));

export interface OrdersDrain {
  orders: number;
  publishPerSec: number;
  storedPerSec: number;
  seconds: number;
  searchable: number;
  coreCpuUsPerOrder: number;
}

async function withChannel<T>(rabbitmqUrl: string, work: (connection: ChannelModel) => Promise<T>): Promise<T> {
  const connection = await amqplib.connect(rabbitmqUrl);
  try {
    return await work(connection);
  } finally {
    await connection.close().catch(() => undefined);
  }
}

async function waitForEmptyQueue(harness: Harness): Promise<void> {
  await withChannel(harness.rabbitmqUrl, async (connection) => {
    const channel = await connection.createChannel();
    const deadline = Date.now() + TIMEOUT_MS;
    while ((await channel.checkQueue(QUEUE)).messageCount > 0) {
      if (Date.now() > deadline) throw new Error(`${QUEUE} did not drain within ${TIMEOUT_MS} ms`);
      await sleep(POLL_MS);
    }
  });
}

// Published like the gateway publishes one order (orders.place with one order), with confirms.
async function publishOrders(rabbitmqUrl: string, count: number, userId: string, word: string): Promise<number> {
  return withChannel(rabbitmqUrl, async (connection) => {
    const channel = await connection.createConfirmChannel();
    const started = performance.now();
    await new Promise<void>((resolve, reject) => {
      let sent = 0;
      let confirmed = 0;
      let inFlight = 0;
      const pump = () => {
        while (inFlight < DRAIN_IN_FLIGHT && sent < count) {
          const id = randomUUID();
          const order = {
            id,
            user_id: userId,
            product_name: `${word} item ${sent}`,
            amount: `${(sent % 1000) + 1}.99`,
            currency: 'USD',
            plan_id: null,
            idempotency_key: null,
            request_hash: '0'.repeat(64),
            created_at: new Date().toISOString(),
          };
          inFlight += 1;
          sent += 1;
          channel.publish(
            '',
            QUEUE,
            Buffer.from(JSON.stringify({ pattern: 'orders.place', data: { orders: [order] } })),
            { persistent: true, messageId: id },
            (error: unknown) => {
              if (error) return reject(error instanceof Error ? error : new Error('publish refused'));
              inFlight -= 1;
              if (++confirmed === count) resolve();
              else pump();
            },
          );
        }
      };
      pump();
    });
    return count / ((performance.now() - started) / 1000);
  });
}

// With core stopped by the harness (`restartCore`): queue N orders, start core, time the drain. Run before any
// other order of the bench user is placed, so the user's orders are the drain's.
export async function measureOrdersDrain(harness: Harness, restartCore: (between: () => Promise<void>) => Promise<number>): Promise<OrdersDrain> {
  const count = harness.settings.ordersDrain;
  const userId = harness.user().id; // core stores only the orders of a live user (others are dead-lettered)
  const word = `drain${Date.now().toString(36)}`;
  let publishPerSec = 0;
  harness.log(`orders drain: queueing ${count} orders with core stopped`);
  const corePid = await restartCore(async () => {
    publishPerSec = await publishOrders(harness.rabbitmqUrl, count, userId, word);
  });
  const stored = async () => (await harness.db.query<{ n: number }>('SELECT count(*)::int AS n FROM orders WHERE user_id = $1', [userId])).rows[0].n;
  const deadline = Date.now() + TIMEOUT_MS;
  let first: { at: number; n: number; cpuUs: number } | undefined;
  for (;;) {
    const n = await stored();
    if (n > 0 && !first) first = { at: performance.now(), n, cpuUs: cpuMicros(corePid) };
    if (n >= count) break;
    if (Date.now() > deadline) throw new Error(`orders drain: ${n} of ${count} stored after ${TIMEOUT_MS} ms`);
    await sleep(POLL_MS);
  }
  const seconds = (performance.now() - first!.at) / 1000;
  const cpuUs = cpuMicros(corePid) - first!.cpuUs;
  const { rows } = await harness.db.query<{ n: number }>(`SELECT count(*)::int AS n FROM orders WHERE search_vector @@ websearch_to_tsquery('simple', $1)`, [word]);
  const drain = {
    orders: count,
    publishPerSec,
    storedPerSec: (count - first!.n) / seconds,
    seconds,
    searchable: rows[0].n,
    coreCpuUsPerOrder: cpuUs / Math.max(1, count - first!.n),
  };
  harness.log(`  ${count} orders stored at ${drain.storedPerSec.toFixed(0)}/s (${drain.searchable} found by full text)`);
  return drain;
}

export function ordersDrainRows(drain: OrdersDrain): SummaryRow[] {
  return [
    {
      hotPath: `orders drain (${drain.orders} queued, core started)`,
      measure: 'orders stored/s',
      project: drain.storedPerSec.toFixed(0),
      floor: '',
      ratio: '',
      target: `>= ${DRAIN_MIN_PER_SECOND}/s (issue 8)`,
      met: drain.storedPerSec >= DRAIN_MIN_PER_SECOND && drain.searchable === drain.orders,
    },
  ];
}

export function ordersDrainSection(drain: OrdersDrain): Section {
  return {
    title: 'Orders drain (core stopped while they were queued)',
    columns: ['orders', 'queued/s (confirms)', 'stored in s', 'stored/s', 'searchable', 'core CPU µs/order'],
    body: [
      [
        String(drain.orders),
        drain.publishPerSec.toFixed(0),
        drain.seconds.toFixed(2),
        drain.storedPerSec.toFixed(0),
        String(drain.searchable),
        drain.coreCpuUsPerOrder.toFixed(0),
      ],
    ],
    textColumns: 0,
  };
}

// The floor answers the same body (same keys); both must answer 202 with a Location. Built after sign-up.
async function assertSameShape(harness: Harness, floorUrl: string): Promise<void> {
  const headers = { authorization: `Bearer ${harness.user().accessToken}`, 'content-type': 'application/json' };
  const keys = async (target: string, url: string) => {
    const reply = await call('POST', `${url}/api/v1/orders`, headers, ORDER);
    expectStatus(`POST /orders @ ${target}`, reply, 202);
    if (!reply.headers.get('location')) throw new Error(`POST /orders @ ${target}: no Location`);
    return Object.keys(reply.body as object).join();
  };
  const [floor, project] = [await keys('floor', floorUrl), await keys('project', harness.gatewayUrl)];
  if (floor !== project) throw new Error(`POST /orders: floor and project answer different bodies: ${floor} / ${project}`);
}

export function ordersModule(harness: Harness): BenchModule {
  const floorUrl = harness.url(harness.port('ordersFloor'));
  let prepared: Promise<void> | undefined;
  const prepare = () =>
    (prepared ??= (async () => {
      await harness.start(
        'orders-floor',
        'bench/orders-floor.js',
        {
          PATH: process.env.PATH,
          ORDERS_FLOOR_PORT: String(harness.port('ordersFloor')),
          REDIS_URL: harness.redisUrl,
          RABBITMQ_URL: harness.rabbitmqUrl,
          JWT_PRIVATE_KEY_FILE: harness.keyFile,
          JWT_ISSUER: 'plans-platform',
          RATE_LIMIT_USER_PER_HOUR: '1000000000',
        },
        `${floorUrl}/health/ready`,
      );
      await harness.primePrincipal(harness.user());
      await assertSameShape(harness, floorUrl);
      await waitForEmptyQueue(harness);
    })());
  return {
    scenarios: [
      {
        key: 'orders-post',
        name: 'POST /orders (accepted, stored by core)',
        kind: 'write',
        method: 'POST',
        path: '/api/v1/orders',
        headers: { authorization: `Bearer ${harness.user().accessToken}`, 'content-type': 'application/json' },
        body: ORDER,
        expectStatus: 202,
        floor: true,
        minRatio: POST_MIN_RATIO,
        prepare,
        urls: () => ({ floor: floorUrl, project: harness.gatewayUrl }),
        processes: { floor: ['orders-floor', 'core'], project: ['gateway', 'core', 'indexer'] },
        settle: () => waitForEmptyQueue(harness),
      },
    ],
    summary: () => [],
    sections: () => [],
  };
}

import { randomUUID } from 'node:crypto';
import { Client } from 'pg';
import { DataSource } from 'typeorm';
import { OrderPlacement } from '@app/contracts';
import {
  AuditRepository,
  dataSourceOptions,
  NewAuditEvent,
  OrdersRepository,
  OutboxRepository,
  PlansRepository,
  runMigrationsLocked,
  withStatementTimeout,
} from '@app/persistence';
import { PlanSchemaValidator } from '../apps/core/src/plans/plan-schema.validator';
import { PlanWriteSupport } from '../apps/core/src/plans/plan-write.support';
import { planDocument } from './plan-document.util';

// What the audit log costs the two hot writes, measured inside one process against its own database, with and
// without the audit INSERT, in interleaved rounds (so the machine's other load hits both alike):
//   - an orders batch: the consumer's transaction (multi-row INSERT of the orders, plus one multi-row INSERT of
//     one audit event per order);
//   - a plan create: plans row, plan_objects, outbox event (plus one audit INSERT).
// `npm run build && node dist/bench/audit-write-bench.js`. Settings: AUDIT_BENCH_ROUNDS (10), AUDIT_BENCH_BATCHES
// (10 batches of AUDIT_BENCH_BATCH_SIZE=1000 orders per round and variant), AUDIT_BENCH_PLANS (100 per round and variant).

const DB = 'plans_platform_bench_audit';
const DATABASE_URL = `postgres://postgres@127.0.0.1:5432/${DB}`;
const settings = {
  rounds: Number(process.env.AUDIT_BENCH_ROUNDS ?? 10),
  batches: Number(process.env.AUDIT_BENCH_BATCHES ?? 10),
  batchSize: Number(process.env.AUDIT_BENCH_BATCH_SIZE ?? 1000),
  plans: Number(process.env.AUDIT_BENCH_PLANS ?? 100),
};

type Variant = 'without' | 'with';

function order(userId: string): OrderPlacement {
  return {
    id: randomUUID(),
    user_id: userId,
    product_name: `Bench mug ${randomUUID().slice(0, 8)}`,
    amount: '12.50',
    currency: 'USD',
    plan_id: null,
    idempotency_key: null,
    request_hash: 'a'.repeat(64),
    created_at: new Date().toISOString(),
  };
}

function orderEvent(placement: OrderPlacement): NewAuditEvent {
  return {
    action: 'order.created',
    outcome: 'success',
    actor: { id: placement.user_id, role: null },
    target: { type: 'order', id: placement.id },
    requestId: randomUUID(),
    ip: '127.0.0.1',
    details: {},
  };
}

const median = (values: number[]) => [...values].sort((a, b) => a - b)[Math.floor(values.length / 2)];

async function main(): Promise<void> {
  const admin = new Client({ connectionString: 'postgres://postgres@127.0.0.1:5432/postgres' });
  await admin.connect();
  await admin.query(`DROP DATABASE IF EXISTS ${DB} WITH (FORCE)`);
  await admin.query(`CREATE DATABASE ${DB}`);
  await admin.end();
  const dataSource = await new DataSource(dataSourceOptions(DATABASE_URL, 'audit-bench')).initialize();
  await runMigrationsLocked(dataSource);
  const orders = new OrdersRepository(dataSource);
  const plans = new PlansRepository(dataSource);
  const outbox = new OutboxRepository(dataSource);
  const audit = new AuditRepository(dataSource);
  const support = new PlanWriteSupport(new PlanSchemaValidator(), plans);
  const [{ id: userId }] = await dataSource.query<Array<{ id: string }>>(
    `INSERT INTO users (id, name, email, password_hash, role, version, created_at, updated_at) VALUES ($1, 'Bench', $2, 'x', 'user', 1, now(), now()) RETURNING id`,
    [randomUUID(), `bench-${randomUUID()}@example.com`],
  );
  const actor = { id: userId, role: 'user' as const };

  const batchMs: Record<Variant, number[]> = { without: [], with: [] };
  const planMs: Record<Variant, number[]> = { without: [], with: [] };
  const storeBatch = async (variant: Variant) => {
    const batch = Array.from({ length: settings.batchSize }, () => order(userId));
    const started = performance.now();
    await withStatementTimeout(dataSource, 30_000, async (tx) => {
      const ids = await orders.insertMany(tx, batch);
      if (variant === 'with') await audit.record(tx, batch.filter((placement) => ids.has(placement.id)).map(orderEvent));
    });
    batchMs[variant].push(performance.now() - started);
  };
  const createPlan = async (variant: Variant) => {
    const prepared = support.prepare(JSON.parse(planDocument(randomUUID().slice(0, 12))), actor);
    const id = prepared.document.objectId;
    const started = performance.now();
    await dataSource.transaction(async (tx) => {
      await plans.insert(tx, id, prepared.write);
      await plans.replaceObjects(tx, id, prepared.decomposed.objects, true);
      await outbox.add(tx, {
        aggregateType: 'plan',
        aggregateId: id,
        eventType: 'plan.created',
        eventId: randomUUID(),
        payload: { data: { id } },
        headers: {},
        traceContext: {},
      });
      if (variant === 'with') {
        await audit.record(tx, [
          { action: 'plan.created', outcome: 'success', actor, target: { type: 'plan', id }, requestId: randomUUID(), ip: '127.0.0.1', details: {} },
        ]);
      }
    });
    planMs[variant].push(performance.now() - started);
  };

  // Warm-up, then rounds alternating which variant goes first.
  for (const variant of ['without', 'with'] as Variant[]) {
    await storeBatch(variant);
    await createPlan(variant);
  }
  batchMs.without.length = batchMs.with.length = planMs.without.length = planMs.with.length = 0;
  for (let round = 0; round < settings.rounds; round++) {
    const order: Variant[] = round % 2 === 0 ? ['without', 'with'] : ['with', 'without'];
    for (const variant of order) for (let i = 0; i < settings.batches; i++) await storeBatch(variant);
    for (const variant of order) for (let i = 0; i < settings.plans; i++) await createPlan(variant);
  }
  await dataSource.destroy();

  const load = (await import('node:os')).loadavg()[0].toFixed(2);
  const line = (name: string, samples: Record<Variant, number[]>, perOp: number) => {
    const [without, withAudit] = [median(samples.without), median(samples.with)];
    const throughputDrop = 1 - without / withAudit;
    return `| ${name} | ${without.toFixed(2)} | ${withAudit.toFixed(2)} | ${((perOp * 1000) / without).toFixed(0)} | ${((perOp * 1000) / withAudit).toFixed(0)} | ${(throughputDrop * 100).toFixed(1)} % |`;
  };
  process.stdout.write(
    [
      `## Audit write cost, ${new Date().toISOString()}`,
      '',
      `Load average at end ${load}; ${settings.rounds} interleaved rounds; ${settings.batches} batches of ${settings.batchSize} orders and ${settings.plans} plan creates per round and variant.`,
      '',
      '| write | median ms without audit | median ms with audit | per s without | per s with | throughput drop |',
      '|---|---:|---:|---:|---:|---:|',
      line(`orders batch (${settings.batchSize}), transaction`, batchMs, settings.batchSize),
      line('plan create, transaction', planMs, 1),
      '',
    ].join('\n'),
  );
}

main().catch((error: unknown) => {
  process.stderr.write(`${error instanceof Error ? (error.stack ?? error.message) : String(error)}\n`);
  process.exit(1);
});

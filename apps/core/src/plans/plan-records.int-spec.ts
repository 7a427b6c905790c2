import { randomUUID } from 'node:crypto';
import { DataSource } from 'typeorm';
import { Actor, PLAN_EVENTS } from '@app/contracts';
import { dataSourceOptions, PlansRepository } from '@app/persistence';
import { makePlan } from '../../../../test/support/plans';
import { TEST_ENV } from '../../../../test/support/test-env';
import { committedPlanEvent, planWriteRecords } from './plan-records.util';
import { PlanSchemaValidator } from './plan-schema.validator';
import { PlanWriteSupport } from './plan-write.support';

// A plan write is one statement: the plan, its objects, its outbox row and its audit event. The outbox payload is
// built by SQL there and again in memory for the relay: both must be the same event.
describe('plan writes with their records (Postgres)', () => {
  let dataSource: DataSource;
  let sut: PlansRepository;
  let support: PlanWriteSupport;
  const actor: Actor = { id: randomUUID(), role: 'admin' };

  beforeAll(async () => {
    dataSource = await new DataSource(dataSourceOptions(TEST_ENV.DATABASE_URL, 'int-test')).initialize();
    sut = new PlansRepository(dataSource);
    support = new PlanWriteSupport(new PlanSchemaValidator(), sut);
  });

  afterAll(async () => {
    await dataSource.destroy();
  });

  const stored = async (id: string) => ({
    outbox: await dataSource.query(
      `SELECT id, event_type, event_id::text, payload, headers, claimed_until > now() AS claimed, published_at FROM outbox WHERE aggregate_id = $1 ORDER BY id`,
      [id],
    ),
    audit: await dataSource.query(`SELECT action, actor_id, target_type, target_id, details FROM audit_events WHERE target_id = $1 ORDER BY seq`, [id]),
    objects: (await dataSource.query<Array<{ object_id: string }>>(`SELECT object_id FROM plan_objects WHERE plan_id = $1 ORDER BY object_id`, [id])).map(
      (row) => row.object_id,
    ),
  });

  it('should store the event the relay publishes from memory, claimed and unpublished, and the audit event, when a plan is created then replaced', async () => {
    const plan = makePlan();
    const created = planWriteRecords(PLAN_EVENTS.created, actor, plan.objectId, false);
    const insert = await sut.insert(dataSource.manager, plan.objectId, support.prepare(plan, actor).write, support.prepare(plan, actor).decomposed.objects, created);
    // The replacement drops the first linked service (and its three objects).
    const replacement = { ...plan, linkedPlanServices: plan.linkedPlanServices.slice(1) };
    const updated = planWriteRecords(PLAN_EVENTS.updated, actor, plan.objectId, true);
    const prepared = support.prepare(replacement, actor);
    const replace = await sut.replaceIf(dataSource.manager, plan.objectId, prepared.write, support.condition(actor, undefined), prepared.decomposed.objects, updated);

    const rows = await stored(plan.objectId);
    expect(rows.outbox.map((row: { payload: unknown }) => row.payload)).toEqual([
      committedPlanEvent(created, insert).payload,
      committedPlanEvent(updated, replace!).payload,
    ]);
    expect(rows.outbox.map((row: { id: string }) => row.id)).toEqual([insert.outbox!.id, replace!.outbox!.id]);
    expect(rows.outbox.map(({ claimed, published_at }: { claimed: boolean; published_at: Date | null }) => ({ claimed, published_at }))).toEqual([
      { claimed: true, published_at: null },
      { claimed: true, published_at: null },
    ]);
    expect(rows.audit).toEqual([
      { action: 'plan.created', actor_id: actor.id, target_type: 'plan', target_id: plan.objectId, details: {} },
      { action: 'plan.updated', actor_id: actor.id, target_type: 'plan', target_id: plan.objectId, details: { version: replace!.plan.version } },
    ]);
    expect(rows.objects).toEqual(prepared.decomposed.objects.map((object) => object.objectId).sort());
  });

  it('should write nothing, neither objects nor records, when the If-Match does not match', async () => {
    const plan = makePlan();
    const prepared = support.prepare(plan, actor);
    await sut.insert(dataSource.manager, plan.objectId, prepared.write, prepared.decomposed.objects);
    const changed = support.prepare({ ...plan, linkedPlanServices: [] }, actor);

    const result = await sut.replaceIf(
      dataSource.manager,
      plan.objectId,
      changed.write,
      support.condition(actor, { any: false, tags: ['"stale"'] }),
      changed.decomposed.objects,
      planWriteRecords(PLAN_EVENTS.updated, actor, plan.objectId, true),
    );

    expect(result).toBeNull();
    expect(await stored(plan.objectId)).toEqual({ outbox: [], audit: [], objects: prepared.decomposed.objects.map((object) => object.objectId).sort() });
  });
});

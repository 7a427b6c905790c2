import { EntityManager } from 'typeorm';
import type { ProviderPlanUpsert } from '@app/persistence';
import { basePlanXml, chunked, feedXml, generatedFeed, planXml, sampleFeed, zoneXml } from '../../../../../test/support/provider-feed-builder';
import { FeedSnapshot, MalformedFeedError, SuspiciousSnapshotError } from '../feed-processor.port';
import { DUPLICATE_PLAN_REASON, ProviderFeedProcessor } from './provider-feed.processor';

// Stands in for the repository: records each batch and reports every distinct key as new.
class RecordingPlans {
  readonly batches: ProviderPlanUpsert[][] = [];
  onBatch: () => void = () => undefined;
  upsertBatch = jest.fn(async (_manager: EntityManager, plans: ProviderPlanUpsert[], _snapshotAt: Date) => {
    this.onBatch();
    this.batches.push(plans);
    return { new: new Set(plans.map((plan) => `${plan.basePlanId}/${plan.planId}`)).size, changed: 0, unchanged: 0 };
  });
}

describe('ProviderFeedProcessor', () => {
  const manager = {} as EntityManager;
  const snapshotAt = new Date('2026-12-01T10:00:00Z');
  let plans: RecordingPlans;
  const makeSut = (batchSize = 1000, shrinkLimit = 0.5) =>
    new ProviderFeedProcessor({ PROVIDER_TIMEZONE: 'Europe/Madrid', PROVIDER_SHRINK_LIMIT: shrinkLimit, PROVIDER_BATCH_SIZE: batchSize }, plans);
  const snapshot = (xml: string, previousPlanCount = 0): FeedSnapshot => ({ body: chunked(xml, 256), snapshotAt, previousPlanCount, manager });
  const feedOf = (count: number) =>
    feedXml([
      basePlanXml(
        {},
        Array.from({ length: count }, (_, i) => planXml({ plan_id: `p${i}` })),
      ),
    ]);

  beforeEach(() => {
    plans = new RecordingPlans();
  });

  it('should apply the valid plans of the sample and count the one with an impossible date as invalid', async () => {
    const outcome = await makeSut().process(snapshot(sampleFeed()));

    expect(outcome).toEqual({ plans: 4, new: 4, changed: 0, unchanged: 0, invalid: 1, invalidReasons: { 'plan_start_date: not a calendar date': 1 } });
    expect(plans.batches.flat().map((plan) => `${plan.basePlanId}/${plan.planId}`)).toEqual(['291/291', '322/1642', '322/1643', '1591/1642']);
  });

  it('should upsert in batches of PROVIDER_BATCH_SIZE in the caller transaction at the snapshot time', async () => {
    await makeSut(3).process(snapshot(feedOf(7)));

    expect(plans.batches.map((batch) => batch.length)).toEqual([3, 3, 1]);
    for (const call of plans.upsertBatch.mock.calls) expect(call.slice(0, 1).concat(call[2])).toEqual([manager, snapshotAt]);
  });

  it('should count each reason when several plans are invalid, and still apply the rest', async () => {
    const xml = feedXml([
      basePlanXml({ base_plan_id: 'a' }, [
        planXml({ plan_id: '1' }),
        planXml({ plan_id: '2', plan_end_date: '2021-06-30T20:00:00' }),
        planXml({ plan_id: '3' }, []),
        planXml({ plan_id: '4' }, [zoneXml({ price: '-5.00' })]),
        planXml({ plan_id: '5', plan_end_date: '2021-06-30T19:00:00' }),
      ]),
      basePlanXml({ base_plan_id: undefined }),
    ]);

    const outcome = await makeSut().process(snapshot(xml));

    expect(outcome).toEqual({
      plans: 1,
      new: 1,
      changed: 0,
      unchanged: 0,
      invalid: 5,
      invalidReasons: { 'plan_end_date: before plan_start_date': 2, 'zones: none (a plan needs a price)': 1, 'zone.price: negative': 1, 'base_plan_id: missing': 1 },
    });
  });

  it('should count the earlier occurrences of a key repeated within a batch as skipped duplicates', async () => {
    const xml = feedXml([basePlanXml({ base_plan_id: 'a' }, [planXml({ plan_id: '1' }), planXml({ plan_id: '2' }), planXml({ plan_id: '1', sold_out: 'true' })])]);

    const outcome = await makeSut().process(snapshot(xml));

    expect(outcome).toEqual(expect.objectContaining({ plans: 2, new: 2, invalid: 1, invalidReasons: { [DUPLICATE_PLAN_REASON]: 1 } }));
  });

  it('should throw MalformedFeedError when the body is truncated', async () => {
    await expect(makeSut().process(snapshot(sampleFeed().slice(0, 900)))).rejects.toBeInstanceOf(MalformedFeedError);
  });

  describe('a suspicious snapshot', () => {
    it('should be refused when the output is empty', async () => {
      const refusal = makeSut().process(snapshot(feedXml([])));

      await expect(refusal).rejects.toBeInstanceOf(SuspiciousSnapshotError);
      await expect(refusal).rejects.toMatchObject({ plans: 0, previousPlanCount: 0 });
      expect(plans.upsertBatch).not.toHaveBeenCalled();
    });

    it('should be refused when no plan is valid', async () => {
      await expect(makeSut().process(snapshot(feedXml([basePlanXml({}, [planXml({ plan_start_date: '2021-02-30T20:00:00' })])]), 1))).rejects.toMatchObject({
        name: 'SuspiciousSnapshotError',
        plans: 0,
        previousPlanCount: 1,
      });
    });

    it('should be refused when fewer than previousPlanCount * (1 - PROVIDER_SHRINK_LIMIT) plans are valid', async () => {
      await expect(makeSut(1000, 0.5).process(snapshot(feedOf(4), 10))).rejects.toMatchObject({ name: 'SuspiciousSnapshotError', plans: 4, previousPlanCount: 10 });
      await expect(makeSut(1000, 0.2).process(snapshot(feedOf(7), 10))).rejects.toBeInstanceOf(SuspiciousSnapshotError);
    });

    it('should be accepted when it shrinks by exactly PROVIDER_SHRINK_LIMIT, or grows, or nothing was applied before', async () => {
      await expect(makeSut(1000, 0.5).process(snapshot(feedOf(5), 10))).resolves.toMatchObject({ plans: 5 });
      await expect(makeSut(1000, 0.2).process(snapshot(feedOf(8), 10))).resolves.toMatchObject({ plans: 8 });
      await expect(makeSut(1000, 0.5).process(snapshot(feedOf(30), 10))).resolves.toMatchObject({ plans: 30 });
      await expect(makeSut(1000, 0.5).process(snapshot(feedOf(1), 0))).resolves.toMatchObject({ plans: 1 });
    });
  });

  it('should parse the next batch only once the previous one is written', async () => {
    const feed = generatedFeed(3000);
    const producedAtBatch: number[] = [];
    plans.onBatch = () => producedAtBatch.push(feed.produced());

    const outcome = await makeSut(100).process({ body: feed.body, snapshotAt, previousPlanCount: 0, manager });

    expect(outcome.plans).toBe(3000);
    expect(producedAtBatch).toHaveLength(30);
    // Batch k is written when at most its own plans plus the stream's small read-ahead have been produced.
    producedAtBatch.forEach((produced, k) => expect(produced).toBeLessThanOrEqual((k + 1) * 100 + 20));
  });
});

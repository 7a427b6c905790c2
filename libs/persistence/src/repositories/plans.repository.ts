import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager, In } from 'typeorm';
import { PlanEntity } from '../entities/plan.entity';
import type { PlanObjectEntity } from '../entities/plan-object.entity';
import { UniqueViolationError } from '../unique-violation.error';
import { objectColumns, PlanWriteRecords, recordColumns, RECORDS_FROM_P, UPSERT_OBJECTS_FROM_P } from './plan-write.sql';

export interface PlanWrite {
  document: Record<string, unknown>;
  etag: string;
  planType: string;
  org: string;
  searchText: string;
  actorId: string;
}

// The If-Match of a write: `*` (any current version) or a set of strong ETags; plus who may write.
export interface WriteCondition {
  anyEtag: boolean;
  etags: string[];
  ownerId?: string; // set for non-admins: only the creator may write
}

export type PlanObjectRow = Omit<PlanObjectEntity, 'planId'>;

// A plan written with its records: the outbox row the statement added (when records were given).
export interface WrittenPlan {
  plan: PlanEntity;
  outbox: { id: string; createdAt: Date } | null;
}

export interface PlanSearchFilters {
  q?: string;
  planType?: string;
  org?: string;
  serviceName?: string;
  minCopay?: number;
  maxCopay?: number;
  minDeductible?: number;
  maxDeductible?: number;
}

const MAX_INT = 2_147_483_647;

const RETURNING_PLAN = `RETURNING object_id AS "objectId", document, etag, version::text AS version, plan_type AS "planType", org,
  created_by AS "createdBy", created_at AS "createdAt", updated_by AS "updatedBy", updated_at AS "updatedAt"`;

type WrittenRow = PlanEntity & { outboxId?: string; outboxCreatedAt?: Date };

const SELECT_WRITTEN = (records: PlanWriteRecords | undefined) =>
  records ? `SELECT p.*, event.id AS "outboxId", event.created_at AS "outboxCreatedAt" FROM p, event` : `SELECT * FROM p`;

function written({ outboxId, outboxCreatedAt, ...plan }: WrittenRow): WrittenPlan {
  return { plan, outbox: outboxId && outboxCreatedAt ? { id: outboxId, createdAt: outboxCreatedAt } : null };
}

@Injectable()
export class PlansRepository {
  constructor(private readonly dataSource: DataSource) {}

  async nextVersion(manager: EntityManager): Promise<string> {
    const [{ version }] = await manager.query<Array<{ version: string }>>(`SELECT nextval('plan_version_seq')::text AS version`);
    return version;
  }

  findById(id: string): Promise<PlanEntity | null> {
    return this.dataSource.getRepository(PlanEntity).findOne({ where: { objectId: id } });
  }

  // Each write takes the next version from the global sequence in the same statement, and stores the plan's
  // decomposed objects and, when given, its event (claimed for the writer's relay) and audit event in that
  // statement too: one round trip for the whole change.
  async insert(manager: EntityManager, id: string, write: PlanWrite, objects: PlanObjectRow[] = [], records?: PlanWriteRecords): Promise<WrittenPlan> {
    const rows = await manager.query<WrittenRow[]>(
      `WITH p AS (
         INSERT INTO plans (object_id, document, etag, version, plan_type, org, search_vector, created_by, updated_by)
         VALUES ($1, $2, $3, nextval('plan_version_seq'), $4, $5, to_tsvector('simple', $6), $7, $7)
         ON CONFLICT (object_id) DO NOTHING
         ${RETURNING_PLAN}),
       objects AS (${UPSERT_OBJECTS_FROM_P(8)})
       ${records ? `, ${RECORDS_FROM_P(16)}` : ''}
       ${SELECT_WRITTEN(records)}`,
      [id, write.document, write.etag, write.planType, write.org, write.searchText, write.actorId, ...objectColumns(objects), ...recordColumns(records)],
    );
    if (rows.length === 0) throw new UniqueViolationError('plans_pkey');
    return written(rows[0]);
  }

  // The If-Match check and the write in one statement: no read-then-write window for a lost update. The objects
  // follow the plan in the same statement (only if it matched): the ones gone from the plan are deleted, the
  // others upserted (disjoint rows, so the two never meet); then the records, as for insert.
  async replaceIf(
    manager: EntityManager,
    id: string,
    write: PlanWrite,
    condition: WriteCondition,
    objects: PlanObjectRow[] = [],
    records?: PlanWriteRecords,
  ): Promise<WrittenPlan | null> {
    const rows = await manager.query<WrittenRow[]>(
      `WITH p AS (
         UPDATE plans SET document = $2, etag = $3, version = nextval('plan_version_seq'), plan_type = $4, org = $5,
                search_vector = to_tsvector('simple', $6), updated_by = $7, updated_at = now()
          WHERE object_id = $1 AND ($8::boolean OR etag = ANY($9::text[])) AND ($10::uuid IS NULL OR created_by = $10)
          ${RETURNING_PLAN}),
       gone AS (DELETE FROM plan_objects WHERE plan_id = (SELECT "objectId" FROM p) AND object_id <> ALL($11::text[])),
       objects AS (${UPSERT_OBJECTS_FROM_P(11)})
       ${records ? `, ${RECORDS_FROM_P(19)}` : ''}
       ${SELECT_WRITTEN(records)}`,
      [
        id,
        write.document,
        write.etag,
        write.planType,
        write.org,
        write.searchText,
        write.actorId,
        condition.anyEtag,
        condition.etags,
        condition.ownerId ?? null,
        ...objectColumns(objects),
        ...recordColumns(records),
      ],
    );
    return rows[0] ? written(rows[0]) : null;
  }

  async deleteIf(manager: EntityManager, id: string, condition: WriteCondition): Promise<PlanEntity | null> {
    const [rows] = await manager.query<[PlanEntity[], number]>(
      `DELETE FROM plans WHERE object_id = $1 AND ($2::boolean OR etag = ANY($3::text[])) AND ($4::uuid IS NULL OR created_by = $4)
        ${RETURNING_PLAN}`,
      [id, condition.anyEtag, condition.etags, condition.ownerId ?? null],
    );
    return rows[0] ?? null;
  }

  // Replaces the decomposed objects of a plan with the given set (same transaction as the document).
  // `fresh` skips the delete for a plan that was just inserted.
  async replaceObjects(manager: EntityManager, planId: string, objects: PlanObjectRow[], fresh = false): Promise<void> {
    if (!fresh) await manager.query(`DELETE FROM plan_objects WHERE plan_id = $1`, [planId]);
    if (objects.length === 0) return;
    await manager.query(`WITH p AS (SELECT $1::text AS "objectId") ${UPSERT_OBJECTS_FROM_P(2)}`, [planId, ...objectColumns(objects)]);
  }

  async list(page: number, pageSize: number, sortBy: 'created_at' | 'updated_at', order: 'asc' | 'desc') {
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const column = sortBy === 'updated_at' ? 'updatedAt' : 'createdAt';
    const [items, total] = await this.dataSource.getRepository(PlanEntity).findAndCount({
      order: { [column]: direction, objectId: direction },
      skip: (page - 1) * pageSize,
      take: pageSize,
    });
    return { items, total };
  }

  // Loads plans by id and returns them in the order of `ids`.
  async findByIdsInOrder(ids: string[]): Promise<PlanEntity[]> {
    if (ids.length === 0) return [];
    const found = await this.dataSource.getRepository(PlanEntity).find({ where: { objectId: In(ids) } });
    const byId = new Map(found.map((plan) => [plan.objectId, plan]));
    return ids.flatMap((id) => byId.get(id) ?? []);
  }

  // The built-in search backend: full text plus structured filters, by creation time, indexed for 100k+ plans.
  async search(filters: PlanSearchFilters, page: number, pageSize: number, order: 'asc' | 'desc' = 'desc'): Promise<{ ids: string[]; total: number }> {
    const direction = order === 'asc' ? 'ASC' : 'DESC';
    const copay = filters.minCopay !== undefined || filters.maxCopay !== undefined;
    const deductible = filters.minDeductible !== undefined || filters.maxDeductible !== undefined;
    const rows: Array<{ object_id: string; total: string }> = await this.dataSource.query(
      `SELECT p.object_id, count(*) OVER () AS total
         FROM plans p
        WHERE ($1::text IS NULL OR p.search_vector @@ websearch_to_tsquery('simple', $1))
          AND ($2::text IS NULL OR p.plan_type = $2)
          AND ($3::text IS NULL OR p.org = $3)
          AND ($4::text IS NULL OR EXISTS (
                SELECT 1 FROM plan_objects s
                 WHERE s.plan_id = p.object_id AND s.object_type = 'service' AND lower(s.name) = lower($4)))
          AND (NOT $5::boolean OR EXISTS (
                SELECT 1 FROM plan_objects c
                 WHERE c.plan_id = p.object_id AND c.object_type = 'membercostshare' AND c.copay BETWEEN $6 AND $7))
          AND (NOT $8::boolean OR EXISTS (
                SELECT 1 FROM plan_objects d
                 WHERE d.plan_id = p.object_id AND d.object_type = 'membercostshare' AND d.deductible BETWEEN $9 AND $10))
        ORDER BY p.created_at ${direction}, p.object_id ${direction}
        LIMIT $11 OFFSET $12`,
      [
        filters.q ?? null,
        filters.planType ?? null,
        filters.org ?? null,
        filters.serviceName ?? null,
        copay,
        filters.minCopay ?? 0,
        filters.maxCopay ?? MAX_INT,
        deductible,
        filters.minDeductible ?? 0,
        filters.maxDeductible ?? MAX_INT,
        pageSize,
        (page - 1) * pageSize,
      ],
    );
    if (rows.length > 0) return { ids: rows.map((row) => row.object_id), total: Number(rows[0].total) };
    if (page === 1) return { ids: [], total: 0 };
    // Past the last page the window count is not available; count separately so meta stays right.
    const first = await this.search(filters, 1, 1, order);
    return { ids: [], total: first.total };
  }

  // Keyset-paged walk over every plan, for rebuilding a search index.
  // What a rebuild will stream, for its progress (a count, so a snapshot: rows written meanwhile may add a few).
  async countAll(): Promise<number> {
    const [{ count }] = await this.dataSource.query<Array<{ count: string }>>(`SELECT count(*)::text AS count FROM plans`);
    return Number(count);
  }

  async *streamAll(batchSize = 500): AsyncGenerator<PlanEntity[]> {
    let after = '';
    for (;;) {
      const batch = await this.dataSource
        .getRepository(PlanEntity)
        .createQueryBuilder('p')
        .where('p.object_id > :after', { after })
        .orderBy('p.object_id', 'ASC')
        .limit(batchSize)
        .getMany();
      if (batch.length === 0) return;
      yield batch;
      after = batch[batch.length - 1].objectId;
    }
  }
}

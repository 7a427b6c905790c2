import type { NewAuditEvent } from './audit.repository';
import type { PlanObjectRow } from './plans.repository';

// What a plan write records in its own statement, besides the plan: its event and its audit event.
export interface PlanWriteRecords {
  // The event's envelope; its data is built from the written row, as core's toPlanEvent builds it.
  event: { eventType: string; eventId: string; timestamp: string; headers: Record<string, string>; traceContext: Record<string, string> };
  // The outbox row is claimed for this long by the writer, which publishes it itself (the relay's poll waits).
  claimMs: number;
  audit: NewAuditEvent;
  // Adds the written version to the audit details (as a string, like the row's version).
  auditVersion: boolean;
}

// The objects of the plan in the CTE `p` (none when `p` is empty), as parallel arrays from parameter $first on
// (objectColumns' order), upserted by their key.
export const UPSERT_OBJECTS_FROM_P = (first: number) => {
  const [ids, types, parents, relations, properties, names, copays, deductibles] = Array.from({ length: 8 }, (_, i) => `$${first + i}`);
  return `INSERT INTO plan_objects (plan_id, object_id, object_type, parent_id, relation, properties, name, copay, deductible)
    SELECT p."objectId", o.* FROM p, unnest(${ids}::text[], ${types}::text[], ${parents}::text[], ${relations}::text[], ${properties}::jsonb[],
                                            ${names}::text[], ${copays}::int[], ${deductibles}::int[]) AS o
    ON CONFLICT (plan_id, object_id) DO UPDATE SET object_type = EXCLUDED.object_type, parent_id = EXCLUDED.parent_id,
      relation = EXCLUDED.relation, properties = EXCLUDED.properties, name = EXCLUDED.name, copay = EXCLUDED.copay,
      deductible = EXCLUDED.deductible`;
};

export function objectColumns(objects: PlanObjectRow[]): unknown[] {
  const column = <T>(pick: (object: PlanObjectRow) => T) => objects.map(pick);
  return [
    column((o) => o.objectId),
    column((o) => o.objectType),
    column((o) => o.parentId),
    column((o) => o.relation),
    column((o) => JSON.stringify(o.properties)),
    column((o) => o.name),
    column((o) => o.copay),
    column((o) => o.deductible),
  ];
}

// A timestamp as JavaScript's toISOString writes it (milliseconds, truncated like the driver's Date).
const iso = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', 'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"')`;

// The event (the outbox row as OutboxRepository.add writes it, without NOTIFY but claimed; payload {event_type,
// event_id, timestamp, data}, data as core's toPlanEvent makes it) and the audit event (as AuditRepository.record writes it) of the plan in
// `p`, from parameter $first on (recordColumns' order).
export const RECORDS_FROM_P = (first: number) => {
  const $ = (i: number) => `$${first + i}`;
  return `event AS (
    INSERT INTO outbox (aggregate_type, aggregate_id, event_type, event_id, payload, headers, trace_context, claimed_until)
    SELECT 'plan', p."objectId", ${$(0)}::text, ${$(1)}::text::uuid,
           jsonb_build_object('event_type', ${$(0)}::text, 'event_id', ${$(1)}::text, 'timestamp', ${$(2)}::text, 'data', jsonb_build_object(
             'objectId', p."objectId", 'version', p.version::bigint, 'document', p.document, 'metadata', jsonb_build_object(
               'created_by', p."createdBy", 'created_at', ${iso('p."createdAt"')}, 'updated_by', p."updatedBy", 'updated_at', ${iso('p."updatedAt"')}))),
           ${$(3)}::jsonb, ${$(4)}::jsonb, now() + ${$(5)}::int * interval '1 millisecond'
      FROM p RETURNING id, created_at),
  audit AS (
    INSERT INTO audit_events (action, outcome, actor_id, actor_role, target_type, target_id, request_id, ip, details)
    SELECT ${$(6)}::text, ${$(7)}::text, ${$(8)}::uuid, ${$(9)}::text, ${$(10)}::text, ${$(11)}::text, ${$(12)}::text, ${$(13)}::text,
           ${$(14)}::jsonb || CASE WHEN ${$(15)}::boolean THEN jsonb_build_object('version', p.version) ELSE '{}'::jsonb END
      FROM p)`;
};

export function recordColumns(records: PlanWriteRecords | undefined): unknown[] {
  if (!records) return [];
  const { event, audit } = records;
  return [
    event.eventType,
    event.eventId,
    event.timestamp,
    event.headers,
    event.traceContext,
    records.claimMs,
    audit.action,
    audit.outcome,
    audit.actor?.id ?? null,
    audit.actor?.role ?? null,
    audit.target?.type ?? null,
    audit.target?.id ?? null,
    audit.requestId,
    audit.ip,
    JSON.stringify(audit.details),
    records.auditVersion,
  ];
}

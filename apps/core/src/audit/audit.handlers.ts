import { Controller, Logger } from '@nestjs/common';
import { EventPattern, MessagePattern, Payload } from '@nestjs/microservices';
import { AuditEventView, ListAuditEventsPayload, Page, pageMeta, PATTERNS, ScheduledAuditMaintenancePayload } from '@app/contracts';
import { AuditEventRow, AuditRepository } from '@app/persistence';

export function toAuditEventView(row: AuditEventRow): AuditEventView {
  return {
    id: row.id,
    at: row.at.toISOString(),
    action: row.action,
    outcome: row.outcome,
    actor: row.actor_id ? { id: row.actor_id, role: row.actor_role } : null,
    target: row.target_type && row.target_id ? { type: row.target_type, id: row.target_id } : null,
    request_id: row.request_id,
    ip: row.ip,
    details: row.details,
  };
}

@Controller()
export class AuditHandlers {
  private readonly logger = new Logger(AuditHandlers.name);

  constructor(private readonly audit: AuditRepository) {}

  @MessagePattern(PATTERNS.admin.auditList)
  async list(@Payload() payload: ListAuditEventsPayload): Promise<Page<AuditEventView>> {
    const { page, page_size: pageSize, order } = payload;
    const filter = {
      action: payload.action,
      actorId: payload.actor_id,
      targetType: payload.target_type,
      targetId: payload.target_id,
      outcome: payload.outcome,
      from: payload.from ? new Date(payload.from) : undefined,
      to: payload.to ? new Date(payload.to) : undefined,
      requestId: payload.request_id,
    };
    const { rows, total } = await this.audit.list(filter, page, pageSize, order);
    return { data: rows.map(toAuditEventView), meta: pageMeta(page, pageSize, total) };
  }

  // The scheduler's command: no reply; one replica at a time does the work (the others find the lock taken).
  @EventPattern(PATTERNS.admin.auditMaintenance)
  async maintenance(@Payload() payload: ScheduledAuditMaintenancePayload): Promise<void> {
    const done = await this.audit.maintain(new Date(payload.tick_at), new Date(payload.purge_before));
    if (!done) {
      this.logger.log(`audit maintenance for tick ${payload.tick_at} skipped: another replica is running it`);
      return;
    }
    const dropped = done.droppedPartitions.length > 0 ? `, dropped ${done.droppedPartitions.join(', ')}` : '';
    this.logger.log(`audit maintenance: sealed ${done.sealed} events, created ${done.createdPartitions} partitions${dropped}`);
  }
}

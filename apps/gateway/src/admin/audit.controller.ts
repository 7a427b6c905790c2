import { Controller, Get, Query } from '@nestjs/common';
import { ApiOperation, ApiPropertyOptional, ApiSchema, ApiTags, IntersectionType } from '@nestjs/swagger';
import { IsIn, IsOptional } from 'class-validator';
import { AuditEventView, AuditFilter, ListAuditEventsPayload, Page, PATTERNS } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { PaginationQueryDto } from '../http/pagination.dto';
import { RequestId } from '../http/request-id.decorator';

@ApiSchema({ name: 'AuditEvent' })
export class AuditEventDto extends AuditEventView {}

export class ListAuditEventsQueryDto extends IntersectionType(PaginationQueryDto, AuditFilter) {
  @ApiPropertyOptional({ enum: ['at'], default: 'at' })
  @IsOptional()
  @IsIn(['at'])
  sort_by?: 'at';
}

@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/audit')
export class AuditController {
  constructor(private readonly core: CoreClient) {}

  @Get()
  @ApiOperation({
    summary: 'Audit events, newest first',
    description:
      'Every authentication attempt, admin action and data change, written in the same transaction as the change. ' +
      'Filters narrow the set together; `from` and `to` are inclusive.',
  })
  @ApiPageOf(AuditEventDto)
  @ApiErrors(400)
  list(@Query() query: ListAuditEventsQueryDto, @RequestId() requestId: string): Promise<Page<AuditEventView>> {
    const payload: ListAuditEventsPayload = {
      page: query.page,
      page_size: query.page_size,
      order: query.order,
      action: query.action,
      actor_id: query.actor_id,
      target_type: query.target_type,
      target_id: query.target_id,
      outcome: query.outcome,
      from: query.from,
      to: query.to,
      request_id: query.request_id,
    };
    return this.core.send(PATTERNS.admin.auditList, payload, requestId);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { IntersectionType } from '@nestjs/swagger';
import { Actor, DeadLetterDetail, DeadLetterFilter, DeadLetterView, Page, PATTERNS, ReplayDeadLettersPayload, ReplayResult } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { PaginationQueryDto } from '../http/pagination.dto';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { uuidParam } from '../users/users.controller';
import { DeadLetterDetailDto, DeadLetterViewDto, ReplayResultDto } from './dto/admin-views.dto';

export class ReplayDeadLettersDto extends ReplayDeadLettersPayload {}
export class ListDeadLettersQueryDto extends IntersectionType(PaginationQueryDto, DeadLetterFilter) {}

@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly core: CoreClient) {}

  // Pending letters, newest first, filtered on the server (queue, pattern with `*`, text, time range).
  @Get()
  @ApiPageOf(DeadLetterViewDto)
  @ApiErrors(400)
  list(@Query() query: ListDeadLettersQueryDto, @RequestId() requestId: string): Promise<Page<DeadLetterView>> {
    const { page, page_size, queue, pattern, text, from, to } = query;
    return this.core.send(PATTERNS.admin.deadLettersList, { page, page_size, queue, pattern, text, from, to }, requestId);
  }

  @Get(':id')
  @ApiOkResponse({ type: DeadLetterDetailDto })
  @ApiErrors(400, 404)
  get(@Param('id', uuidParam) id: string, @RequestId() requestId: string): Promise<DeadLetterDetail> {
    return this.core.send(PATTERNS.admin.deadLettersGet, { id }, requestId);
  }

  // Replays the listed letters, the ones matching a filter, or every pending one, to the queue each died in.
  // `dry_run: true` answers how many would be replayed and replays nothing.
  @Post('replay')
  @HttpCode(200)
  @ApiJsonBody()
  @ApiOkResponse({ type: ReplayResultDto })
  replay(@Body() body: ReplayDeadLettersDto, @CurrentActor() actor: Actor, @RequestId() requestId: string): Promise<ReplayResult> {
    return this.core.send(PATTERNS.admin.deadLettersReplay, body, requestId, { actor });
  }
}

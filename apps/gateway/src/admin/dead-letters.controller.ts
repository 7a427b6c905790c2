import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiOkResponse, ApiTags } from '@nestjs/swagger';
import { DeadLetterView, Page, PATTERNS, ReplayDeadLettersPayload, ReplayResult } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody, ApiPageOf } from '../http/openapi/api-docs.decorators';
import { PaginationQueryDto } from '../http/pagination.dto';
import { RequestId } from '../http/request-id.decorator';
import { DeadLetterViewDto, ReplayResultDto } from './dto/admin-views.dto';

export class ReplayDeadLettersDto extends ReplayDeadLettersPayload {}

@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly core: CoreClient) {}

  @Get()
  @ApiPageOf(DeadLetterViewDto)
  list(@Query() query: PaginationQueryDto, @RequestId() requestId: string): Promise<Page<DeadLetterView>> {
    return this.core.send(PATTERNS.admin.deadLettersList, { page: query.page, page_size: query.page_size }, requestId);
  }

  // Replays the listed letters (or every pending one) to the queue each died in.
  @Post('replay')
  @HttpCode(200)
  @ApiJsonBody()
  @ApiOkResponse({ type: ReplayResultDto })
  replay(@Body() body: ReplayDeadLettersDto, @RequestId() requestId: string): Promise<ReplayResult> {
    return this.core.send(PATTERNS.admin.deadLettersReplay, body, requestId);
  }
}

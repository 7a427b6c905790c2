import { Body, Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiBearerAuth, ApiTags } from '@nestjs/swagger';
import { DeadLetterView, Page, PATTERNS, ReplayDeadLettersPayload, ReplayResult } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { PaginationQueryDto } from '../http/pagination.dto';
import { RequestId } from '../http/request-id.decorator';

export class ReplayDeadLettersDto extends ReplayDeadLettersPayload {}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/dead-letters')
export class DeadLettersController {
  constructor(private readonly core: CoreClient) {}

  @Get()
  list(@Query() query: PaginationQueryDto, @RequestId() requestId: string): Promise<Page<DeadLetterView>> {
    return this.core.send(PATTERNS.admin.deadLettersList, { page: query.page, page_size: query.page_size }, requestId);
  }

  // Replays the listed letters (or every pending one) to the queue each died in.
  @Post('replay')
  @HttpCode(200)
  replay(@Body() body: ReplayDeadLettersDto, @RequestId() requestId: string): Promise<ReplayResult> {
    return this.core.send(PATTERNS.admin.deadLettersReplay, body, requestId);
  }
}

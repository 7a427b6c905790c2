import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiBearerAuth, ApiProperty, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PLAN_PATTERNS } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { RequestId } from '../http/request-id.decorator';

const TARGETS = ['plans', 'orders', 'content', 'all'] as const;

export class ReindexDto {
  @ApiProperty({ enum: TARGETS })
  @IsIn(TARGETS)
  target: (typeof TARGETS)[number];
}

@ApiTags('admin')
@ApiBearerAuth()
@Roles('admin')
@Controller('admin/reindex')
export class ReindexController {
  constructor(private readonly core: CoreClient) {}

  // 202: the rebuild from Postgres runs in the background.
  @Post()
  @HttpCode(202)
  start(@Body() body: ReindexDto, @RequestId() requestId: string) {
    return this.core.send(PLAN_PATTERNS.reindex, body, requestId);
  }
}

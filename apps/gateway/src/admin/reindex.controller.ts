import { Body, Controller, HttpCode, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiProperty, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { PLAN_PATTERNS } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody } from '../http/openapi/api-docs.decorators';
import { RequestId } from '../http/request-id.decorator';

const TARGETS = ['plans', 'orders', 'content', 'all'] as const;

export class ReindexDto {
  @ApiProperty({ enum: TARGETS })
  @IsIn(TARGETS)
  target: (typeof TARGETS)[number];
}

// Core's answer: the rebuild was accepted and runs in the background.
@ApiSchema({ name: 'ReindexRun' })
export class ReindexRunDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TARGETS }) target: (typeof TARGETS)[number];
  @ApiProperty({ enum: ['accepted'] }) status: 'accepted';
  @ApiProperty({ format: 'date-time' }) started_at: string;
}

@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/reindex')
export class ReindexController {
  constructor(private readonly core: CoreClient) {}

  // 202: the rebuild from Postgres runs in the background.
  @Post()
  @HttpCode(202)
  @ApiJsonBody()
  @ApiAcceptedResponse({ type: ReindexRunDto })
  start(@Body() body: ReindexDto, @RequestId() requestId: string) {
    return this.core.send(PLAN_PATTERNS.reindex, body, requestId);
  }
}

import { Body, Controller, Get, HttpCode, Param, Post } from '@nestjs/common';
import { ApiAcceptedResponse, ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { Actor, PLAN_PATTERNS } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors, ApiJsonBody } from '../http/openapi/api-docs.decorators';
import { CurrentActor, RequestId } from '../http/request-id.decorator';
import { uuidParam } from '../users/users.controller';

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

const STATES = ['queued', 'running', 'succeeded', 'failed'] as const;

@ApiSchema({ name: 'ReindexPartProgress' })
export class ReindexPartProgressDto {
  @ApiProperty({ enum: STATES }) status: (typeof STATES)[number];
  @ApiProperty({ minimum: 0, description: 'documents written so far' }) done: number;
  @ApiProperty({ minimum: 0, description: 'rows Postgres held when the part started' }) total: number;
  @ApiProperty({ type: String, nullable: true }) error: string | null;
}

@ApiSchema({ name: 'ReindexParts' })
export class ReindexPartsDto {
  @ApiPropertyOptional({ type: ReindexPartProgressDto }) plans?: ReindexPartProgressDto;
  @ApiPropertyOptional({ type: ReindexPartProgressDto }) orders?: ReindexPartProgressDto;
  @ApiPropertyOptional({ type: ReindexPartProgressDto }) content?: ReindexPartProgressDto;
}

@ApiSchema({ name: 'ReindexProgress' })
export class ReindexProgressDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: TARGETS }) target: (typeof TARGETS)[number];
  @ApiProperty({ enum: STATES }) status: (typeof STATES)[number];
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
  @ApiProperty({ type: () => ReindexPartsDto, description: 'one entry per index the run rebuilds' })
  parts: ReindexPartsDto;
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
  start(@Body() body: ReindexDto, @CurrentActor() actor: Actor, @RequestId() requestId: string) {
    return this.core.send(PLAN_PATTERNS.reindex, body, requestId, { actor });
  }

  // A run's progress per index, for a day after it started.
  @Get(':id')
  @ApiOkResponse({ type: ReindexProgressDto })
  @ApiErrors(400, 404)
  progress(@Param('id', uuidParam) id: string, @RequestId() requestId: string): Promise<ReindexProgressDto> {
    return this.core.send(PLAN_PATTERNS.reindexStatus, { id }, requestId);
  }
}

import { Controller, Get } from '@nestjs/common';
import { ApiOkResponse, ApiProperty, ApiPropertyOptional, ApiSchema, ApiTags } from '@nestjs/swagger';
import { RmqConnection } from '@app/common';
import { CoreOverview, PATTERNS, PROVIDER_PATTERNS, ProviderSyncStatusReply, QUEUES } from '@app/contracts';
import { Roles } from '../access/access.decorators';
import { BrokerManagementClient } from './broker-management.client';
import { CoreClient } from '../core-client/core.client';
import { ApiAuthenticated, ApiErrors } from '../http/openapi/api-docs.decorators';
import { RequestId } from '../http/request-id.decorator';
import { SchedulerClient } from '../scheduler-client/scheduler.client';

const OVERVIEW_QUEUES = [QUEUES.orders, QUEUES.coreRpc, QUEUES.indexerEvents, QUEUES.schedulerRpc, QUEUES.deadLetters];
const APP_STATES = ['up', 'down'] as const;

@ApiSchema({ name: 'OverviewQueue' })
export class OverviewQueueDto {
  @ApiProperty({ enum: OVERVIEW_QUEUES }) name: string;
  @ApiProperty({ type: Number, nullable: true, description: 'ready messages (null: the broker did not answer)' }) ready: number | null;
  @ApiProperty({
    type: Number,
    nullable: true,
    description: 'delivered and not yet acknowledged, from the management API, sampled by the broker every few seconds (null: unknown, see unacked_unknown)',
  })
  unacked: number | null;
  @ApiProperty({ type: Number, nullable: true }) consumers: number | null;
}

@ApiSchema({ name: 'OverviewApp' })
export class OverviewAppDto {
  @ApiProperty({ enum: ['gateway', 'core', 'indexer', 'scheduler'] }) name: string;
  @ApiProperty({ enum: APP_STATES, description: 'up: its queue has consumers (and, for core and the scheduler, it answered)' }) state: (typeof APP_STATES)[number];
  @ApiProperty({ description: 'why, in words' }) detail: string;
}

@ApiSchema({ name: 'OverviewProblem' })
export class OverviewProblemDto {
  @ApiProperty({ enum: ['broker', 'core', 'scheduler'] }) part: string;
  @ApiProperty() message: string;
}

@ApiSchema({ name: 'Overview' })
export class OverviewDto {
  @ApiProperty({ format: 'date-time' }) generated_at: string;
  @ApiProperty({ type: [OverviewAppDto] }) apps: OverviewAppDto[];
  @ApiProperty({ type: [OverviewQueueDto] }) queues: OverviewQueueDto[];
  @ApiProperty({
    type: String,
    nullable: true,
    description: 'why the unacked counts are unknown (RABBITMQ_MANAGEMENT_URL not set, or the management API did not answer); null when known',
  })
  unacked_unknown: string | null;
  @ApiProperty({ type: Number, nullable: true, description: 'pending dead letters' }) dead_letters: number | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    description: 'what the search index waits for: unpublished outbox events (and the oldest one’s age) and the indexer queue',
    properties: { outbox_pending: { type: 'integer' }, outbox_oldest_age_seconds: { type: 'number', nullable: true }, events_ready: { type: 'integer', nullable: true } },
  })
  index_lag: { outbox_pending: number; outbox_oldest_age_seconds: number | null; events_ready: number | null } | null;
  @ApiPropertyOptional({
    type: 'object',
    nullable: true,
    properties: { circuit: { type: 'string', enum: ['closed', 'open', 'half_open'] }, last_synced_at: { type: 'string', format: 'date-time', nullable: true } },
  })
  provider: { circuit: string; last_synced_at: string | null } | null;
  @ApiProperty({
    type: 'object',
    nullable: true,
    properties: { refreshed_at: { type: 'string', format: 'date-time', nullable: true }, age_seconds: { type: 'number', nullable: true } },
  })
  sales_view: { refreshed_at: string | null; age_seconds: number | null } | null;
  @ApiProperty({ type: [OverviewProblemDto], description: 'parts that did not answer; the rest is still shown' }) problems: OverviewProblemDto[];
}

// The console's first screen: every part asked at once, each allowed to fail alone. Ready messages and consumers
// come from the broker (checkQueue, live), unacked counts from its management API (checkQueue has none), core's and
// the scheduler's parts over RPC: the gateway reaches nothing else.
@ApiTags('admin')
@ApiAuthenticated()
@ApiErrors(403)
@Roles('admin')
@Controller('admin/overview')
export class OverviewController {
  constructor(
    private readonly rmq: RmqConnection,
    private readonly management: BrokerManagementClient,
    private readonly core: CoreClient,
    private readonly scheduler: SchedulerClient,
  ) {}

  @Get()
  @ApiOkResponse({ type: OverviewDto })
  async overview(@RequestId() requestId: string): Promise<OverviewDto> {
    const problems: OverviewProblemDto[] = [];
    const failed = (part: string) => (error: unknown) => {
      problems.push({ part, message: error instanceof Error ? error.message : String(error) });
      return null;
    };
    const [stats, unacked, core, sync] = await Promise.all([
      Promise.all(OVERVIEW_QUEUES.map((queue) => this.rmq.queueStats(queue))),
      this.management.unacked(),
      this.core.send<CoreOverview>(PATTERNS.admin.overview, {}, requestId).catch(failed('core')),
      this.scheduler.send<ProviderSyncStatusReply>(PROVIDER_PATTERNS.syncStatus, {}, requestId).catch(failed('scheduler')),
    ]);
    const queues = OVERVIEW_QUEUES.map((name, index) => ({
      name,
      ready: stats[index]?.ready ?? null,
      unacked: unacked.counts?.get(name) ?? null,
      consumers: stats[index]?.consumers ?? null,
    }));
    if (stats.every((stat) => stat === null)) problems.push({ part: 'broker', message: 'RabbitMQ did not answer' });
    const consumersOf = (name: string) => queues.find((queue) => queue.name === name)?.consumers ?? 0;
    const app = (name: string, queue: string, answered: boolean | undefined): OverviewAppDto => {
      const consumers = consumersOf(queue);
      const up = consumers > 0 && answered !== false;
      const detail = `${consumers} consumer(s) on ${queue}${answered === undefined ? '' : answered ? ', answered' : ', did not answer'}`;
      return { name, state: up ? 'up' : 'down', detail };
    };
    return {
      generated_at: new Date().toISOString(),
      apps: [
        { name: 'gateway', state: 'up', detail: 'answered this request' },
        app('core', QUEUES.coreRpc, core !== null),
        app('indexer', QUEUES.indexerEvents, undefined),
        app('scheduler', QUEUES.schedulerRpc, sync !== null),
      ],
      queues,
      unacked_unknown: unacked.reason,
      dead_letters: core?.dead_letters ?? null,
      index_lag: core
        ? {
            outbox_pending: core.outbox.pending,
            outbox_oldest_age_seconds: core.outbox.oldest_age_seconds,
            events_ready: queues.find((queue) => queue.name === QUEUES.indexerEvents)?.ready ?? null,
          }
        : null,
      provider: sync ? { circuit: sync.circuit, last_synced_at: sync.last_synced_at } : null,
      sales_view: core?.sales_view ?? null,
      problems,
    };
  }
}

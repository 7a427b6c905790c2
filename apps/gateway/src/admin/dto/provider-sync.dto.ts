import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { CircuitStateName, ProviderSyncStatusReply, StartProviderSyncReply, SyncRunStatus, SyncRunView } from '@app/contracts';

const RUN_STATUSES: SyncRunStatus[] = ['running', 'succeeded', 'failed', 'skipped'];
const CIRCUIT_STATES: CircuitStateName[] = ['closed', 'open', 'half_open'];

@ApiSchema({ name: 'ProviderSyncStarted' })
export class ProviderSyncStartedDto implements StartProviderSyncReply {
  @ApiProperty({ format: 'uuid', description: 'The sync started, or the one already running' }) id: string;
  @ApiProperty({ enum: RUN_STATUSES, example: 'running' }) status: SyncRunStatus;
  @ApiProperty({ format: 'date-time' }) started_at: string;
}

@ApiSchema({ name: 'ProviderSyncRun' })
export class ProviderSyncRunDto implements SyncRunView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ enum: RUN_STATUSES, description: 'skipped: the circuit was open, so the provider was not called' }) status: SyncRunStatus;
  @ApiProperty({ format: 'date-time' }) started_at: string;
  @ApiProperty({ type: String, format: 'date-time', nullable: true }) finished_at: string | null;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'plans seen for the first time' }) new: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'plans whose data changed' }) changed: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'plans seen again unchanged' }) unchanged: number;
  @ApiProperty({ type: 'integer', minimum: 0, description: 'plans skipped as invalid' }) invalid: number;
  @ApiProperty({ type: String, nullable: true, description: 'why the sync failed or was skipped' }) error: string | null;
}

@ApiSchema({ name: 'ProviderSyncStatus' })
export class ProviderSyncStatusDto implements ProviderSyncStatusReply {
  @ApiProperty({ enum: CIRCUIT_STATES, description: "The provider circuit breaker's state" }) circuit: CircuitStateName;
  @ApiProperty({ type: String, format: 'date-time', nullable: true, description: 'The last successful sync (changed or not)' }) last_synced_at: string | null;
  @ApiProperty({ type: [ProviderSyncRunDto], description: 'Newest first' }) runs: ProviderSyncRunDto[];
}

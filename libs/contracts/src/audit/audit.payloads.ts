import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsInt, IsISO8601, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const AUDIT_OUTCOMES = ['success', 'failure'] as const;
export type AuditOutcome = (typeof AUDIT_OUTCOMES)[number];

// What GET /admin/audit filters by: every field narrows the set, all of them together.
export class AuditFilter {
  @ApiPropertyOptional({ maxLength: 100, description: 'the action, exactly', example: 'plan.updated' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[a-z_]+\.[a-z_]+$/, { message: 'action is `<resource>.<verb>`, e.g. plan.updated' })
  action?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'the user who acted' })
  @IsOptional()
  @IsUUID('all')
  actor_id?: string;

  @ApiPropertyOptional({ maxLength: 50, description: 'what was acted on', example: 'plan' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(50)
  @Matches(/^[a-z_]+$/, { message: 'target_type is lower-case letters and _' })
  target_type?: string;

  @ApiPropertyOptional({ maxLength: 255, description: 'the id of what was acted on, exactly' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(255)
  target_id?: string;

  @ApiPropertyOptional({ enum: AUDIT_OUTCOMES })
  @IsOptional()
  @IsIn(AUDIT_OUTCOMES)
  outcome?: AuditOutcome;

  @ApiPropertyOptional({ format: 'date-time', description: 'at or after' })
  @IsOptional()
  @IsISO8601({ strict: true })
  from?: string;

  @ApiPropertyOptional({ format: 'date-time', description: 'at or before' })
  @IsOptional()
  @IsISO8601({ strict: true })
  to?: string;

  @ApiPropertyOptional({ maxLength: 128, description: 'the X-Request-Id of the request that caused it' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z0-9._:-]{1,128}$/, { message: 'request_id is 1-128 letters, digits or . _ : -' })
  request_id?: string;
}

export class ListAuditEventsPayload extends AuditFilter {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
}

export class AuditActorView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ type: String, nullable: true, description: 'the role the actor had, when the message carried it' }) role: string | null;
}

export class AuditTargetView {
  @ApiProperty({ example: 'plan' }) type: string;
  @ApiProperty() id: string;
}

export class AuditEventView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ format: 'date-time' }) at: string;
  @ApiProperty({ example: 'auth.login' }) action: string;
  @ApiProperty({ enum: AUDIT_OUTCOMES }) outcome: AuditOutcome;
  @ApiProperty({ type: AuditActorView, nullable: true }) actor: AuditActorView | null;
  @ApiProperty({ type: AuditTargetView, nullable: true }) target: AuditTargetView | null;
  @ApiProperty({ type: String, nullable: true }) request_id: string | null;
  @ApiProperty({ type: String, nullable: true, description: 'the client address the gateway saw' }) ip: string | null;
  @ApiProperty({ type: 'object', additionalProperties: true, description: 'action-specific; `reason` on a failure; never a password, token or personal data' })
  details: Record<string, unknown>;
}

// scheduler -> core (a command, no reply): create the coming months' partitions, drop those wholly older than
// `purge_before` (AUDIT_RETENTION), seal what committed since the last tick. Idempotent.
export class ScheduledAuditMaintenancePayload {
  @IsISO8601({ strict: true }) tick_at: string;
  @IsISO8601({ strict: true }) purge_before: string;
}

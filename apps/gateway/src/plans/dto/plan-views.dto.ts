import { ApiProperty, ApiSchema } from '@nestjs/swagger';
import type { PlanDocument, PlanListItem, PlanMetadata } from '@app/contracts';
import { PLAN_REF } from '../../http/openapi/openapi.components';

@ApiSchema({ name: 'PlanMetadata' })
export class PlanMetadataDto implements PlanMetadata {
  @ApiProperty({ format: 'uuid', description: 'the user who created the plan' }) created_by: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'uuid', description: 'the user who last changed the plan' }) updated_by: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

// An item of GET /plans and /plans/search.
@ApiSchema({ name: 'PlanListItem' })
export class PlanListItemDto implements PlanListItem {
  @ApiProperty({ allOf: [PLAN_REF] }) data: PlanDocument;
  @ApiProperty({ type: PlanMetadataDto }) metadata: PlanMetadataDto;
  @ApiProperty({ description: 'the strong ETag of the plan, as GET /plans/{id} sends it' }) etag: string;
}

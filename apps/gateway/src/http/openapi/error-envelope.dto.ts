import { ApiProperty, ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import type { ErrorEnvelope } from '@app/common';

@ApiSchema({ name: 'ErrorBody' })
export class ErrorBodyDto {
  @ApiProperty({ description: 'SCREAMING_SNAKE error code', example: 'VALIDATION_ERROR' }) code: string;
  @ApiProperty({ description: 'human-readable explanation', example: 'Request validation failed' }) message: string;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: true,
    description: 'more about the failure; for validation errors `errors` lists each problem with where it is (field or JSON Pointer) and why',
  })
  details?: Record<string, unknown>;

  @ApiProperty({ format: 'date-time' }) timestamp: string;
  @ApiProperty({ description: 'the X-Request-Id of the request' }) request_id: string;
}

// The contract's envelope for every 4xx and 5xx body.
@ApiSchema({ name: 'ErrorEnvelope' })
export class ErrorEnvelopeDto implements ErrorEnvelope {
  @ApiProperty({ type: 'object', additionalProperties: false, nullable: true, enum: [null], description: 'always null on an error' }) data: null;
  @ApiProperty({ type: ErrorBodyDto }) error: ErrorBodyDto;
}

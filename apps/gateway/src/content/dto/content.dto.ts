import { ApiPropertyOptional, ApiSchema } from '@nestjs/swagger';
import { plainToInstance } from 'class-transformer';
import { IsIn, IsOptional, validateSync } from 'class-validator';
import { DomainError, flattenValidationErrors } from '@app/common';
import { CONTENT_SORT_FIELDS, ContentFields, ContentPatchFields, ContentSortBy } from '@app/contracts';
import { PaginationQueryDto } from '../../http/pagination.dto';

@ApiSchema({ name: 'ContentInput', description: 'POST /content and PUT /content/{id}: title 3-200 characters, content at least 10, image an http(s) URL' })
export class ContentInputDto extends ContentFields {}

@ApiSchema({ name: 'ContentPatch', description: 'PATCH /content/{id}: any of the fields, same rules; image null removes the image' })
export class ContentPatchDto extends ContentPatchFields {}

export class ListContentQueryDto extends PaginationQueryDto {
  @ApiPropertyOptional({ enum: CONTENT_SORT_FIELDS, default: 'created_at' })
  @IsOptional()
  @IsIn(CONTENT_SORT_FIELDS)
  sort_by: ContentSortBy = 'created_at';
}

// PATCH reads its body raw, so its media type is checked (415) before the fields; then the pipe's rules apply.
export function validatePatch(body: unknown): ContentPatchDto {
  if (typeof body !== 'object' || body === null || Array.isArray(body)) {
    throw new DomainError('VALIDATION_ERROR', 'Request validation failed', { errors: [{ field: 'body', problems: ['must be a JSON object'] }] });
  }
  const patch = plainToInstance(ContentPatchDto, body);
  const problems = validateSync(patch, { whitelist: true, forbidNonWhitelisted: true, validationError: { target: false, value: false } });
  if (problems.length > 0) throw new DomainError('VALIDATION_ERROR', 'Request validation failed', { errors: flattenValidationErrors(problems) });
  return patch;
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsString, IsUrl, IsUUID, Max, MaxLength, Min, ValidateBy, ValidateIf, ValidateNested, ValidationOptions } from 'class-validator';
import { ActorScoped } from '../users/user.payloads';

export const CONTENT_TITLE_LENGTH = { min: 3, max: 200 } as const;
// The lower bound is the contract's; the upper one is the gateway's longest accepted string (input safety).
export const CONTENT_TEXT_LENGTH = { min: 10, max: 100_000 } as const;
export const CONTENT_IMAGE_MAX_LENGTH = 2048;

// Length as Postgres counts it (code points, so an emoji is one character), and only storable text.
function hasLength(value: unknown, min: number, max: number): boolean {
  if (typeof value !== 'string' || value.includes('\u0000') || !value.isWellFormed()) return false;
  let count = 0;
  for (const _ of value) if (++count > max) return false;
  return count >= min;
}

const IsTextOfLength = (field: string, min: number, max: number, options?: ValidationOptions) =>
  ValidateBy(
    {
      name: 'isTextOfLength',
      validator: { validate: (value: unknown) => hasLength(value, min, max), defaultMessage: () => `${field} must be a string of ${min} to ${max} characters` },
    },
    options,
  );

const IsImageUrl = () => IsUrl({ protocols: ['http', 'https'], require_protocol: true, require_valid_protocol: true }, { message: 'image must be an http or https URL' });

// The body of POST and PUT /content: every field (PUT replaces; an absent image becomes null).
export class ContentFields {
  @ApiProperty({ minLength: CONTENT_TITLE_LENGTH.min, maxLength: CONTENT_TITLE_LENGTH.max, example: 'Choosing a plan' })
  @IsTextOfLength('title', CONTENT_TITLE_LENGTH.min, CONTENT_TITLE_LENGTH.max)
  title: string;

  @ApiProperty({ minLength: CONTENT_TEXT_LENGTH.min, maxLength: CONTENT_TEXT_LENGTH.max, example: 'What to compare before you pick a plan.' })
  @IsTextOfLength('content', CONTENT_TEXT_LENGTH.min, CONTENT_TEXT_LENGTH.max)
  content: string;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uri', maxLength: CONTENT_IMAGE_MAX_LENGTH, example: 'https://example.com/plan.png' })
  @ValidateIf((fields: ContentFields) => fields.image !== undefined && fields.image !== null)
  @IsString()
  @MaxLength(CONTENT_IMAGE_MAX_LENGTH)
  @IsImageUrl()
  image?: string | null;
}

// The body of PATCH /content/{id}: any of the fields, with the same rules; null removes the image (RFC 7396) and
// is refused for title and content, which cannot be removed.
export class ContentPatchFields {
  @ApiPropertyOptional({ minLength: CONTENT_TITLE_LENGTH.min, maxLength: CONTENT_TITLE_LENGTH.max })
  @ValidateIf((fields: ContentPatchFields) => fields.title !== undefined)
  @IsTextOfLength('title', CONTENT_TITLE_LENGTH.min, CONTENT_TITLE_LENGTH.max)
  title?: string;

  @ApiPropertyOptional({ minLength: CONTENT_TEXT_LENGTH.min, maxLength: CONTENT_TEXT_LENGTH.max })
  @ValidateIf((fields: ContentPatchFields) => fields.content !== undefined)
  @IsTextOfLength('content', CONTENT_TEXT_LENGTH.min, CONTENT_TEXT_LENGTH.max)
  content?: string;

  @ApiPropertyOptional({ type: String, nullable: true, format: 'uri', maxLength: CONTENT_IMAGE_MAX_LENGTH, description: 'null removes the image' })
  @ValidateIf((fields: ContentPatchFields) => fields.image !== undefined && fields.image !== null)
  @IsString()
  @MaxLength(CONTENT_IMAGE_MAX_LENGTH)
  @IsImageUrl()
  image?: string | null;
}

export class CreateContentPayload extends ActorScoped {
  @ValidateNested() @Type(() => ContentFields) fields: ContentFields;
}

export class ContentIdPayload {
  @IsUUID() id: string;
}

export class ReplaceContentPayload extends ActorScoped {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => ContentFields) fields: ContentFields;
}

export class PatchContentPayload extends ActorScoped {
  @IsUUID() id: string;
  @ValidateNested() @Type(() => ContentPatchFields) fields: ContentPatchFields;
}

export class RemoveContentPayload extends ActorScoped {
  @IsUUID() id: string;
}

export const CONTENT_SORT_FIELDS = ['created_at', 'updated_at', 'title'] as const;
export type ContentSortBy = (typeof CONTENT_SORT_FIELDS)[number];

export class ListContentPayload {
  @IsInt() @Min(1) @Max(1_000_000) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  @IsIn(CONTENT_SORT_FIELDS) sort_by: ContentSortBy;
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
}

export type ContentCacheStatus = 'HIT' | 'MISS' | 'BYPASS';

// What core answers for a content read or write: the JSON body as the client gets it (a ContentView, or a page of
// them), the item's ETag, and for reads where it came from.
export interface ContentReply {
  body: string;
  etag?: string;
  cache?: ContentCacheStatus;
}

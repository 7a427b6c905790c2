import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, ValidateNested, IsArray, IsDefined } from 'class-validator';
import { OpaqueJson } from '../events/opaque-json';
import { ActorScoped } from '../users/user.payloads';

export const PLAN_ID_PATTERN = /^[A-Za-z0-9._-]{1,128}$/;

// A plan document as the schema defines it; validated with ajv in core, so typed loosely here.
export type PlanDocument = Record<string, unknown> & { objectId: string; objectType: string };

export interface PlanMetadata {
  created_by: string;
  created_at: string;
  updated_by: string;
  updated_at: string;
}

// What core answers for one plan: the document, its strong ETag and what the list endpoints show.
export interface PlanRecord {
  document: PlanDocument;
  etag: string;
  version: number;
  metadata: PlanMetadata;
}

export interface PlanListItem {
  data: PlanDocument;
  metadata: PlanMetadata;
  etag: string;
}

// `*` or the strong entity-tags of an If-Match header (weak ones can never match strongly).
export class Precondition {
  @IsIn([true, false]) any: boolean;
  @IsArray() @IsString({ each: true }) @MaxLength(200, { each: true }) tags: string[];
}

export class PlanIdPayload {
  @IsString() @Matches(PLAN_ID_PATTERN) id: string;
}

export class CreatePlanPayload extends ActorScoped {
  @IsDefined() @OpaqueJson() document: unknown;
}

export class ReplacePlanPayload extends ActorScoped {
  @IsString() @Matches(PLAN_ID_PATTERN) id: string;
  @IsDefined() @OpaqueJson() document: unknown;
  @ValidateNested() @Type(() => Precondition) if_match: Precondition;
}

export const PATCH_KINDS = ['merge', 'json-patch'] as const;
export type PatchKind = (typeof PATCH_KINDS)[number];

export class PatchPlanPayload extends ActorScoped {
  @IsString() @Matches(PLAN_ID_PATTERN) id: string;
  @IsIn(PATCH_KINDS) kind: PatchKind;
  @IsDefined() @OpaqueJson() patch: unknown;
  @ValidateNested() @Type(() => Precondition) if_match: Precondition;
}

export class DeletePlanPayload extends ActorScoped {
  @IsString() @Matches(PLAN_ID_PATTERN) id: string;
  @IsOptional() @ValidateNested() @Type(() => Precondition) if_match?: Precondition;
}

export const PLAN_SORT_FIELDS = ['created_at', 'updated_at'] as const;
export type PlanSortBy = (typeof PLAN_SORT_FIELDS)[number];

export class ListPlansPayload {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  @IsIn(PLAN_SORT_FIELDS) sort_by: PlanSortBy;
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
}

export class SearchPlansPayload {
  @IsInt() @Min(1) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  // Results are ordered by creation time (then objectId), newest first unless asc.
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
  @IsOptional() @IsString() @MaxLength(200) q?: string;
  @IsOptional() @IsString() @MaxLength(100) planType?: string;
  @IsOptional() @IsString() @MaxLength(255) org?: string;
  @IsOptional() @IsString() @MaxLength(255) serviceName?: string;
  @IsOptional() @IsInt() @Min(0) minCopay?: number;
  @IsOptional() @IsInt() @Min(0) maxCopay?: number;
  @IsOptional() @IsInt() @Min(0) minDeductible?: number;
  @IsOptional() @IsInt() @Min(0) maxDeductible?: number;
}

export type PlanSearchQuery = Omit<SearchPlansPayload, 'page' | 'page_size'> & { page: number; page_size: number };

// The plan.* events: a document snapshot with the version that orders it.
export interface PlanEventData {
  objectId: string;
  version: number;
  document: PlanDocument | null;
  metadata: PlanMetadata;
}

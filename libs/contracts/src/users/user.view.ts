import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export type Role = 'admin' | 'user' | 'readonly';
export const ROLES: readonly Role[] = ['admin', 'user', 'readonly'];

// The public user shape: never a password hash.
export class UserView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
  @ApiProperty() email: string;
  @ApiPropertyOptional({ nullable: true, type: String }) phone_number: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) country: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) state: string | null;
  @ApiProperty({ enum: ROLES }) role: Role;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class ContentSummaryView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() content: string;
  @ApiPropertyOptional({ nullable: true, type: String }) image: string | null;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

export class UserWithContentsView extends UserView {
  @ApiProperty({ type: [ContentSummaryView] }) contents: ContentSummaryView[];
}

// What the gateway caches to authorize a request; `version` orders cache writes.
export interface Principal {
  user: UserView;
  version: number;
  deleted: boolean;
  // Sessions: access tokens issued before the last password change (token claim `tv` below token_version) are
  // refused, except those of kept_session (claim `sid`), the session that changed its own password. Absent in
  // entries cached before these fields existed: read as 0 and null.
  token_version?: number;
  kept_session?: string | null;
}

export interface Actor {
  id: string;
  role: Role;
  // The caller's session (refresh token family, the access token's `sid`), when known.
  session?: string | null;
}

export interface PageMeta {
  page: number;
  page_size: number;
  total_count: number;
  total_pages: number;
}

export interface Page<T> {
  data: T[];
  meta: PageMeta;
}

export function pageMeta(page: number, pageSize: number, total: number): PageMeta {
  return { page, page_size: pageSize, total_count: total, total_pages: Math.ceil(total / pageSize) };
}

import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, ValidateNested } from 'class-validator';
import { ContentView } from '../../content/content.view';
import { OrderView } from '../../orders/order.view';
import type { PlanListItem } from '../../plans/plan.payloads';
import { UserView } from '../user.view';

export const EXPORT_SECTIONS = ['plans', 'orders', 'content'] as const;
export type ExportSection = (typeof EXPORT_SECTIONS)[number];
// The most rows one page reply may carry: one RPC reply is one message, and the gateway holds one page at a time.
export const EXPORT_PAGE_MAX = 1000;

export class ExportCursorPayload {
  // created_at exactly as Postgres holds it (microseconds), so no row is skipped or repeated between pages.
  @IsString() @Matches(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}\.\d{6}Z$/) at: string;
  @IsString() @MaxLength(128) id: string;
}

// gateway -> core (RPC): one page of the caller's own data, after `after` (keyset); null `next` ends the section.
export class ExportPagePayload {
  @IsUUID() user_id: string;
  @IsIn(EXPORT_SECTIONS) section: ExportSection;
  @IsOptional() @ValidateNested() @Type(() => ExportCursorPayload) after?: ExportCursorPayload | null;
  @IsInt() @Min(1) @Max(EXPORT_PAGE_MAX) limit: number;
}

export interface ExportPageReply<T = unknown> {
  items: T[];
  next: ExportCursorPayload | null;
}

// One order as the export lists it: the public view (stored) and when Postgres stored it.
export class ExportedOrder extends OrderView {
  @ApiProperty({ format: 'date-time', description: 'when PostgreSQL stored the order' }) stored_at: string;
}
export type ExportedPlan = PlanListItem;
export type ExportedContent = ContentView;

// The export document, as GET /users/me/export streams it (also its OpenAPI schema).
export class UserExportDocument {
  @ApiProperty({ format: 'date-time' }) generated_at: string;
  @ApiProperty({ type: UserView }) user: UserView;
  @ApiProperty({ type: 'array', items: { type: 'object' }, description: 'plans the caller created, as GET /plans lists them, oldest first' })
  plans: ExportedPlan[];
  @ApiProperty({ type: [ExportedOrder], description: "the caller's orders (status stored, with stored_at), newest first" })
  orders: ExportedOrder[];
  @ApiProperty({ type: [ContentView], description: "the caller's content items with their author, newest first" })
  content: ExportedContent[];
}

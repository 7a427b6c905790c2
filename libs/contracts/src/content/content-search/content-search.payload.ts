import { IsIn, IsInt, IsString, Max, MaxLength, Min, MinLength } from 'class-validator';

export const CONTENT_SEARCH_SORT_FIELDS = ['relevance', 'created_at'] as const;
export type ContentSearchSortBy = (typeof CONTENT_SEARCH_SORT_FIELDS)[number];

// Reply: Page<ContentView>: full text (websearch syntax) over title and content, open to every role. relevance
// puts title matches first, then the newest, then the id; created_at is time then id; order turns either around.
export class SearchContentPayload {
  @IsString() @MinLength(1) @MaxLength(200) q: string;
  @IsInt() @Min(1) @Max(1_000_000) page: number;
  @IsInt() @Min(1) @Max(100) page_size: number;
  @IsIn(CONTENT_SEARCH_SORT_FIELDS) sort_by: ContentSearchSortBy;
  @IsIn(['asc', 'desc']) order: 'asc' | 'desc';
}

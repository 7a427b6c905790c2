import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

// An author as every content response shows them: no e-mail, phone or other personal data, ever.
export class ContentAuthorView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() name: string;
}

export class ContentView {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty() title: string;
  @ApiProperty() content: string;
  @ApiPropertyOptional({ nullable: true, type: String, format: 'uri' }) image: string | null;
  @ApiProperty({ type: ContentAuthorView }) author: ContentAuthorView;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time' }) updated_at: string;
}

// data of content.created / content.updated (from the outbox, in the write's transaction): what the search
// index needs. content.deleted carries only { id }.
export interface ContentChangedEventData {
  id: string;
  author_id: string;
  title: string;
  content: string;
  image: string | null;
  created_at: string;
  updated_at: string;
}

export interface ContentDeletedEventData {
  id: string;
}

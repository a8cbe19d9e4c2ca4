import { UUID, TIMESTAMP, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { NoteRecord } from '../case-notes.repository';
import { TEXT } from '../../common/validators';

export class NoteBodyDto {
  @ApiProperty({ example: 'Laptop farm in Hopkinsville confirmed by the host.', minLength: 1, maxLength: 20_000 })
  @IsString()
  @MinLength(1)
  @MaxLength(20_000)
  @Matches(TEXT, { message: 'body must not contain control characters' })
  body!: string;
}

export class NoteListQueryDto extends PageQueryDto {}

export class NoteResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) caseId!: string;
  @ApiProperty(UUID) authorId!: string;
  @ApiProperty({ maxLength: 20_000 }) body!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty({ ...TIMESTAMP, nullable: true, description: 'Last edit (earlier texts are in the audit trail)' }) editedAt!: string | null;
  @ApiProperty(VERSION) version!: number;
}

export const NotePageDto = PageOf(NoteResponseDto);

export function toNoteResponse(n: NoteRecord): NoteResponseDto {
  return { id: n.id, caseId: n.caseId, authorId: n.authorId, body: n.body, createdAt: n.createdAt.toISOString(), editedAt: n.editedAt?.toISOString() ?? null, version: n.version };
}

import { integer, UUID } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength } from 'class-validator';

export const SEARCH_TYPES = ['subject', 'organization', 'selector', 'case', 'tip'] as const;
export type SearchType = (typeof SEARCH_TYPES)[number];

export class SearchQueryDto {
  @ApiProperty({
    example: 'Jong Song-hwa',
    minLength: 1,
    maxLength: 200,
    description: 'A name or alias (fuzzy: case, accents, hyphens and word order do not matter; partial names match) or an identifier in any spelling (exact after normalisation). Plain text: wildcards and SQL mean nothing.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(/\S/, { message: 'q must contain something other than spaces' })
  q!: string;

  @ApiPropertyOptional({ maxLength: 100, example: 'subject,organization', description: `Comma-separated: ${SEARCH_TYPES.join(', ')} (default: all)` })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  @Matches(new RegExp(`^(${SEARCH_TYPES.join('|')})(,(${SEARCH_TYPES.join('|')}))*$`), { message: `types must be a comma-separated list of ${SEARCH_TYPES.join(', ')}` })
  types?: string;

  @ApiPropertyOptional({ ...integer(1, 50), default: 20, description: 'How many hits, best first (a ranked list: no cursor)' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(50)
  limit: number = 20;
}

export class SearchMatchDto {
  @ApiProperty({ enum: ['fullName', 'alias', 'name', 'normalizedValue', 'caseNumber', 'title', 'reference', 'narrative'], example: 'alias' }) field!: string;
  @ApiProperty({ maxLength: 1024, example: 'Song Hwa Jong', description: 'What matched (for a narrative: the term searched)' }) value!: string;
}

export class SearchHitDto {
  @ApiProperty({ enum: SEARCH_TYPES }) type!: SearchType;
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 1024, example: 'Unnamed defendant 3', description: 'Subject full name, organization name, selector normalised value, case number or tip reference' }) label!: string;
  @ApiProperty({ maxLength: 50, example: 'charged', description: 'Subject status, organization kind, selector kind, case status or tip status' }) detail!: string;
  @ApiProperty({ minimum: 0, maximum: 1, example: 0.857, description: 'Trigram word similarity of the best-matching name (1 for an exact selector)' }) score!: number;
  @ApiProperty({ type: SearchMatchDto }) matched!: SearchMatchDto;
  @ApiProperty({ maxLength: 1100, example: 'alias "Song Hwa Jong"' }) why!: string;
}

export class SearchResponseDto {
  @ApiProperty({ type: [SearchHitDto], maxItems: 50 }) data!: SearchHitDto[];
}

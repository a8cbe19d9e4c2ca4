import { COUNTRY, DATE, integer, PARTIAL_DATE, TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsCalendarDate, IsCountryCode, IsPartialDate, IsOptionalNotNull } from '../../common/validators';
import { SUBJECT_STATUSES, type SubjectStatus } from '../subject.entity';
import type { SubjectRecord } from '../subjects.repository';

export class AliasDto {
  @ApiProperty({ example: 'Song Hwa Jong', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({ example: 'Job-site profile', nullable: true, type: String, maxLength: 500, description: 'Where the alias was seen' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  source?: string | null;
}

export class ChargeDto {
  @ApiProperty({ example: '50 U.S.C. 1705', maxLength: 100, description: 'The statute' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  statute!: string;

  @ApiProperty({ example: 'Conspiracy to violate the International Emergency Economic Powers Act', maxLength: 1000 })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  description!: string;

  @ApiProperty({ ...integer(1, 1000), example: 1 })
  @IsInt()
  @Min(1)
  @Max(1000)
  counts!: number;
}

export class IndictmentDto {
  @ApiProperty({ example: 'U.S. District Court, Eastern District of Missouri', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  court!: string;

  @ApiPropertyOptional({ example: '4:24-cr-00000', nullable: true, type: String, maxLength: 100 })
  @IsOptional()
  @IsString()
  @MaxLength(100)
  docketNumber?: string | null;

  @ApiPropertyOptional({ ...DATE, nullable: true })
  @IsOptional()
  @IsCalendarDate()
  date?: string | null;
}

const DOB_DESCRIPTION = 'A real date: full (`1985-03-12`), year and month (`1985-03`), year (`1985`), or null when unknown';

export class CreateSubjectDto {
  @ApiProperty({ example: 'Unnamed defendant 1', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  fullName!: string;

  @ApiPropertyOptional({ type: [AliasDto], maxItems: 100, description: 'Pseudonyms and romanisation variants' })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AliasDto)
  aliases?: AliasDto[];

  @ApiPropertyOptional({ ...COUNTRY, nullable: true })
  @IsOptional()
  @IsCountryCode()
  nationality?: string | null;

  @ApiPropertyOptional({ ...PARTIAL_DATE, nullable: true, description: DOB_DESCRIPTION })
  @IsOptional()
  @IsPartialDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ enum: SUBJECT_STATUSES, default: 'unidentified' })
  @IsOptional()
  @IsIn(SUBJECT_STATUSES)
  status?: SubjectStatus;

  @ApiPropertyOptional({ type: [ChargeDto], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ChargeDto)
  charges?: ChargeDto[];

  @ApiPropertyOptional({ type: IndictmentDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => IndictmentDto)
  indictment?: IndictmentDto | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

/** PATCH: only the fields sent change; `null` clears a nullable field. */
export class UpdateSubjectDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  fullName?: string;

  @ApiPropertyOptional({ type: [AliasDto], maxItems: 100, description: 'Replaces the whole list' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AliasDto)
  aliases?: AliasDto[];

  @ApiPropertyOptional({ ...COUNTRY, nullable: true })
  @IsOptional()
  @IsCountryCode()
  nationality?: string | null;

  @ApiPropertyOptional({ ...PARTIAL_DATE, nullable: true, description: DOB_DESCRIPTION })
  @IsOptional()
  @IsPartialDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ enum: SUBJECT_STATUSES })
  @IsOptionalNotNull()
  @IsIn(SUBJECT_STATUSES)
  status?: SubjectStatus;

  @ApiPropertyOptional({ type: [ChargeDto], maxItems: 50, description: 'Replaces the whole list' })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => ChargeDto)
  charges?: ChargeDto[];

  @ApiPropertyOptional({ type: IndictmentDto, nullable: true })
  @IsOptional()
  @ValidateNested()
  @Type(() => IndictmentDto)
  indictment?: IndictmentDto | null;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class SubjectListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SUBJECT_STATUSES })
  @IsOptional()
  @IsIn(SUBJECT_STATUSES)
  status?: SubjectStatus;

  @ApiPropertyOptional(COUNTRY)
  @IsOptional()
  @IsCountryCode()
  nationality?: string;

  @ApiPropertyOptional({ minLength: 1, maxLength: 100, example: '18 U.S.C. 1349', description: 'Only subjects charged under this statute (exact)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\u0000]*$/)
  statute?: string;
}

export class AliasResponseDto {
  @ApiProperty({ maxLength: 300 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) source!: string | null;
}

export class ChargeResponseDto {
  @ApiProperty({ maxLength: 100, example: '50 U.S.C. 1705' }) statute!: string;
  @ApiProperty({ maxLength: 1000 }) description!: string;
  @ApiProperty({ ...integer(1, 1000), example: 1 }) counts!: number;
}

export class IndictmentResponseDto {
  @ApiProperty({ maxLength: 300 }) court!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 100 }) docketNumber!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) date!: string | null;
}

export class SubjectResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 300, example: 'Unnamed defendant 1' }) fullName!: string;
  @ApiProperty({ type: [AliasResponseDto], maxItems: 100 }) aliases!: AliasResponseDto[];
  @ApiProperty({ ...COUNTRY, nullable: true }) nationality!: string | null;
  @ApiProperty({ ...PARTIAL_DATE, nullable: true, description: DOB_DESCRIPTION }) dateOfBirth!: string | null;
  @ApiProperty({ enum: SUBJECT_STATUSES }) status!: SubjectStatus;
  @ApiProperty({ type: [ChargeResponseDto], maxItems: 50 }) charges!: ChargeResponseDto[];
  @ApiProperty({ type: IndictmentResponseDto, nullable: true }) indictment!: IndictmentResponseDto | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 10_000 }) description!: string | null;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export const SubjectPageDto = PageOf(SubjectResponseDto);

/** `1985-03-01` with precision `month` → `1985-03`. */
export function partialDateOf(date: string | null, precision: 'day' | 'month' | 'year' | null): string | null {
  if (date === null || precision === null) return null;
  return precision === 'day' ? date : precision === 'month' ? date.slice(0, 7) : date.slice(0, 4);
}

/** `1985-03` → the first day of the period and how much of it is known. */
export function storedDateOf(partial: string | null | undefined): { dobDate: string | null; dobPrecision: 'day' | 'month' | 'year' | null } | undefined {
  if (partial === undefined) return undefined;
  if (partial === null) return { dobDate: null, dobPrecision: null };
  if (partial.length === 4) return { dobDate: `${partial}-01-01`, dobPrecision: 'year' };
  if (partial.length === 7) return { dobDate: `${partial}-01`, dobPrecision: 'month' };
  return { dobDate: partial, dobPrecision: 'day' };
}

export function toSubjectResponse(s: SubjectRecord): SubjectResponseDto {
  return {
    id: s.id,
    fullName: s.fullName,
    aliases: s.aliases.map((a) => ({ name: a.name, source: a.source ?? null })),
    nationality: s.nationality,
    dateOfBirth: partialDateOf(s.dobDate, s.dobPrecision),
    status: s.status,
    charges: s.charges.map((c) => ({ statute: c.statute, description: c.description, counts: c.counts })),
    indictment: s.indictment ? { court: s.indictment.court, docketNumber: s.indictment.docketNumber ?? null, date: s.indictment.date ?? null } : null,
    description: s.description,
    createdAt: s.createdAt.toISOString(),
    updatedAt: s.updatedAt.toISOString(),
    version: s.version,
  };
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsInt, IsOptional, IsString, Matches, Max, MaxLength, Min, MinLength, ValidateIf, ValidateNested } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsCalendarDate, IsCountryCode, IsPartialDate } from '../../common/validators';
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

  @ApiProperty({ example: 1, minimum: 1, maximum: 1000 })
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

  @ApiPropertyOptional({ example: '2024-12-12', nullable: true, type: String, format: 'date' })
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

  @ApiPropertyOptional({ example: 'KP', nullable: true, type: String, description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsCountryCode()
  nationality?: string | null;

  @ApiPropertyOptional({ example: '1985-03', nullable: true, type: String, description: DOB_DESCRIPTION })
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
  @ValidateIf((o: UpdateSubjectDto) => o.fullName !== undefined)
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  fullName?: string;

  @ApiPropertyOptional({ type: [AliasDto], maxItems: 100, description: 'Replaces the whole list' })
  @ValidateIf((o: UpdateSubjectDto) => o.aliases !== undefined)
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => AliasDto)
  aliases?: AliasDto[];

  @ApiPropertyOptional({ nullable: true, type: String })
  @IsOptional()
  @IsCountryCode()
  nationality?: string | null;

  @ApiPropertyOptional({ nullable: true, type: String, description: DOB_DESCRIPTION })
  @IsOptional()
  @IsPartialDate()
  dateOfBirth?: string | null;

  @ApiPropertyOptional({ enum: SUBJECT_STATUSES })
  @ValidateIf((o: UpdateSubjectDto) => o.status !== undefined)
  @IsIn(SUBJECT_STATUSES)
  status?: SubjectStatus;

  @ApiPropertyOptional({ type: [ChargeDto], maxItems: 50, description: 'Replaces the whole list' })
  @ValidateIf((o: UpdateSubjectDto) => o.charges !== undefined)
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

  @ApiPropertyOptional({ example: 'KP', description: 'ISO 3166-1 alpha-2' })
  @IsOptional()
  @IsCountryCode()
  nationality?: string;

  @ApiPropertyOptional({ example: '18 U.S.C. 1349', description: 'Only subjects charged under this statute (exact)' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\u0000]*$/)
  statute?: string;
}

export class AliasResponseDto {
  @ApiProperty() name!: string;
  @ApiProperty({ nullable: true, type: String }) source!: string | null;
}

export class ChargeResponseDto {
  @ApiProperty({ example: '50 U.S.C. 1705' }) statute!: string;
  @ApiProperty() description!: string;
  @ApiProperty({ example: 1 }) counts!: number;
}

export class IndictmentResponseDto {
  @ApiProperty() court!: string;
  @ApiProperty({ nullable: true, type: String }) docketNumber!: string | null;
  @ApiProperty({ nullable: true, type: String, format: 'date' }) date!: string | null;
}

export class SubjectResponseDto {
  @ApiProperty({ example: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60' }) id!: string;
  @ApiProperty({ example: 'Unnamed defendant 1' }) fullName!: string;
  @ApiProperty({ type: [AliasResponseDto] }) aliases!: AliasResponseDto[];
  @ApiProperty({ nullable: true, type: String, example: 'KP' }) nationality!: string | null;
  @ApiProperty({ nullable: true, type: String, example: '1985-03', description: DOB_DESCRIPTION }) dateOfBirth!: string | null;
  @ApiProperty({ enum: SUBJECT_STATUSES }) status!: SubjectStatus;
  @ApiProperty({ type: [ChargeResponseDto] }) charges!: ChargeResponseDto[];
  @ApiProperty({ type: IndictmentResponseDto, nullable: true }) indictment!: IndictmentResponseDto | null;
  @ApiProperty({ nullable: true, type: String }) description!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty() updatedAt!: string;
  @ApiProperty({ example: 1 }) version!: number;
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

import { COUNTRY, DATE, TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, IsArray, IsIn, IsOptional, IsString, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsCalendarDate, IsCountryCode, IsOptionalNotNull } from '../../common/validators';
import { ORGANIZATION_KINDS, type OrganizationKind } from '../organization.entity';
import type { OrganizationRecord } from '../organizations.repository';

export class OrganizationAliasDto {
  @ApiProperty({ example: 'Yanbian Silverstar Network Technology Co., Ltd.', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 500 })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  source?: string | null;
}

export class SanctionsDesignationDto {
  @ApiProperty({ example: 'DPRK3', maxLength: 100, description: 'Sanctions program' })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  program!: string;

  @ApiProperty({ example: 'OFAC SDN List', maxLength: 200 })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  list!: string;

  @ApiPropertyOptional({ ...DATE, nullable: true, example: '2018-09-13' })
  @IsOptional()
  @IsCalendarDate()
  date?: string | null;
}

export class WebsiteDto {
  @ApiProperty({ example: 'example.com', maxLength: 253, description: 'Normalised to the bare lower-case host (IDN as punycode)' })
  @IsString()
  @MinLength(1)
  @MaxLength(253)
  domain!: string;

  @ApiProperty({ enum: ['active', 'seized'] })
  @IsIn(['active', 'seized'])
  status!: 'active' | 'seized';

  @ApiPropertyOptional({ ...DATE, nullable: true, description: 'When it was seized (status seized only)' })
  @IsOptional()
  @IsCalendarDate()
  seizedAt?: string | null;
}

export class CreateOrganizationDto {
  @ApiProperty({ example: 'Yanbian Silverstar', maxLength: 300 })
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name!: string;

  @ApiPropertyOptional({ type: [OrganizationAliasDto], maxItems: 100 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrganizationAliasDto)
  aliases?: OrganizationAliasDto[];

  @ApiPropertyOptional({ ...COUNTRY, nullable: true, example: 'CN' })
  @IsOptional()
  @IsCountryCode()
  country?: string | null;

  @ApiProperty({ enum: ORGANIZATION_KINDS })
  @IsIn(ORGANIZATION_KINDS)
  kind!: OrganizationKind;

  @ApiPropertyOptional({ type: [SanctionsDesignationDto], maxItems: 50 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SanctionsDesignationDto)
  sanctions?: SanctionsDesignationDto[];

  @ApiPropertyOptional({ type: [WebsiteDto], maxItems: 200 })
  @IsOptional()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => WebsiteDto)
  websites?: WebsiteDto[];

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

/** PATCH: only the fields sent change; lists given replace the old ones; `null` clears a nullable field. */
export class UpdateOrganizationDto {
  @ApiPropertyOptional({ maxLength: 300 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(300)
  name?: string;

  @ApiPropertyOptional({ type: [OrganizationAliasDto], maxItems: 100 })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(100)
  @ValidateNested({ each: true })
  @Type(() => OrganizationAliasDto)
  aliases?: OrganizationAliasDto[];

  @ApiPropertyOptional({ ...COUNTRY, nullable: true, example: 'CN' })
  @IsOptional()
  @IsCountryCode()
  country?: string | null;

  @ApiPropertyOptional({ enum: ORGANIZATION_KINDS })
  @IsOptionalNotNull()
  @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;

  @ApiPropertyOptional({ type: [SanctionsDesignationDto], maxItems: 50 })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(50)
  @ValidateNested({ each: true })
  @Type(() => SanctionsDesignationDto)
  sanctions?: SanctionsDesignationDto[];

  @ApiPropertyOptional({ type: [WebsiteDto], maxItems: 200 })
  @IsOptionalNotNull()
  @IsArray()
  @ArrayMaxSize(200)
  @ValidateNested({ each: true })
  @Type(() => WebsiteDto)
  websites?: WebsiteDto[];

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 10000 })
  @IsOptional()
  @IsString()
  @MaxLength(10000)
  description?: string | null;
}

export class OrganizationListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ORGANIZATION_KINDS })
  @IsOptional()
  @IsIn(ORGANIZATION_KINDS)
  kind?: OrganizationKind;

  @ApiPropertyOptional({ ...COUNTRY, example: 'CN' })
  @IsOptional()
  @IsCountryCode()
  country?: string;
}

export class OrganizationAliasResponseDto {
  @ApiProperty({ maxLength: 300 }) name!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 500 }) source!: string | null;
}
export class SanctionsDesignationResponseDto {
  @ApiProperty({ maxLength: 100 }) program!: string;
  @ApiProperty({ maxLength: 200 }) list!: string;
  @ApiProperty({ ...DATE, nullable: true }) date!: string | null;
}
export class WebsiteResponseDto {
  @ApiProperty({ maxLength: 253 }) domain!: string;
  @ApiProperty({ enum: ['active', 'seized'] }) status!: 'active' | 'seized';
  @ApiProperty({ ...DATE, nullable: true }) seizedAt!: string | null;
}

export class OrganizationResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 300, example: 'Yanbian Silverstar' }) name!: string;
  @ApiProperty({ type: [OrganizationAliasResponseDto], maxItems: 100 }) aliases!: OrganizationAliasResponseDto[];
  @ApiProperty({ ...COUNTRY, nullable: true, example: 'CN' }) country!: string | null;
  @ApiProperty({ enum: ORGANIZATION_KINDS }) kind!: OrganizationKind;
  @ApiProperty({ type: [SanctionsDesignationResponseDto], maxItems: 50 }) sanctions!: SanctionsDesignationResponseDto[];
  @ApiProperty({ type: [WebsiteResponseDto], maxItems: 200 }) websites!: WebsiteResponseDto[];
  @ApiProperty({ type: String, nullable: true, maxLength: 10_000 }) description!: string | null;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export const OrganizationPageDto = PageOf(OrganizationResponseDto);

export function toOrganizationResponse(o: OrganizationRecord): OrganizationResponseDto {
  return {
    id: o.id,
    name: o.name,
    aliases: o.aliases.map((a) => ({ name: a.name, source: a.source ?? null })),
    country: o.country,
    kind: o.kind,
    sanctions: o.sanctions.map((s) => ({ program: s.program, list: s.list, date: s.date ?? null })),
    websites: o.websites.map((w) => ({ domain: w.domain, status: w.status, seizedAt: w.seizedAt ?? null })),
    description: o.description,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    version: o.version,
  };
}

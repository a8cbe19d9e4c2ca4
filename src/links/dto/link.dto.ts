import { DATE, integer, TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsIn, IsInt, IsNumber, IsOptional, IsString, IsUUID, Matches, Max, MaxLength, Min, MinLength, ValidateNested } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsCalendarDate, IsOptionalNotNull } from '../../common/validators';
import { ENTITY_TYPES, LINK_KINDS, type EntityType, type LinkKind } from '../link-rules';
import type { LinkRecord } from '../links.repository';

export class EntityRefDto {
  @ApiProperty({ enum: ENTITY_TYPES })
  @IsIn(ENTITY_TYPES)
  type!: EntityType;

  @ApiProperty(UUID)
  @IsUUID('all')
  id!: string;
}

const ENTITY_REF = /^(subject|organization|selector):[0-9a-fA-F]{8}-[0-9a-fA-F]{4}-[0-9a-fA-F]{4}-[89abAB][0-9a-fA-F]{3}-[0-9a-fA-F]{12}$/;
const KIND_LIST = new RegExp(`^(${LINK_KINDS.join('|')})(,(${LINK_KINDS.join('|')}))*$`);

export class CreateLinkDto {
  @ApiProperty({ enum: LINK_KINDS, description: 'Allowed ends per kind: employed_by subject→organization; manages, associate_of, victim_of subject|organization→subject|organization; uses subject|organization→selector; owns →organization|selector; paid →subject|organization|selector; hosted_laptop_for subject→subject|organization' })
  @IsIn(LINK_KINDS)
  kind!: LinkKind;

  @ApiProperty({ type: EntityRefDto })
  @ValidateNested()
  @Type(() => EntityRefDto)
  from!: EntityRefDto;

  @ApiProperty({ type: EntityRefDto })
  @ValidateNested()
  @Type(() => EntityRefDto)
  to!: EntityRefDto;

  @ApiPropertyOptional({ ...DATE, nullable: true, example: '2017-04-01' })
  @IsOptional()
  @IsCalendarDate()
  validFrom?: string | null;

  @ApiPropertyOptional({ ...DATE, nullable: true, example: '2023-03-31' })
  @IsOptional()
  @IsCalendarDate()
  validTo?: string | null;

  @ApiProperty({ minimum: 0, maximum: 1, example: 0.9, description: 'How sure the unit is of this link' })
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence!: number;

  @ApiProperty({ example: 'Indictment, E.D. Missouri, December 2024', maxLength: 1000, description: 'Where the link comes from' })
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  source!: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;
}

/** PATCH: the period, confidence, source and description; a link's kind and ends never change (create another). */
export class UpdateLinkDto {
  @ApiPropertyOptional({ ...DATE, nullable: true })
  @IsOptional()
  @IsCalendarDate()
  validFrom?: string | null;

  @ApiPropertyOptional({ ...DATE, nullable: true })
  @IsOptional()
  @IsCalendarDate()
  validTo?: string | null;

  @ApiPropertyOptional({ minimum: 0, maximum: 1 })
  @IsOptionalNotNull()
  @IsNumber({ allowNaN: false, allowInfinity: false })
  @Min(0)
  @Max(1)
  confidence?: number;

  @ApiPropertyOptional({ maxLength: 1000 })
  @IsOptionalNotNull()
  @IsString()
  @MinLength(1)
  @MaxLength(1000)
  source?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 5000 })
  @IsOptional()
  @IsString()
  @MaxLength(5000)
  description?: string | null;
}

export class LinkListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ maxLength: 50, example: 'subject:01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60', description: 'Only links at either end of this entity (`<type>:<id>`)' })
  @IsOptional()
  @IsString()
  @Matches(ENTITY_REF, { message: 'entity must be <type>:<id>, type one of subject, organization, selector' })
  entity?: string;

  @ApiPropertyOptional({ enum: LINK_KINDS })
  @IsOptional()
  @IsIn(LINK_KINDS)
  kind?: LinkKind;
}

export class GraphQueryDto {
  @ApiProperty({ maxLength: 50, example: 'subject:01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60', description: 'The entity at the centre: `<type>:<id>`' })
  @IsString()
  @Matches(ENTITY_REF, { message: 'root must be <type>:<id>, type one of subject, organization, selector' })
  root!: string;

  @ApiPropertyOptional({ ...integer(1, 3), default: 2, description: 'How many links away from the root' })
  @IsOptional()
  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(3)
  depth: number = 2;

  @ApiPropertyOptional({ maxLength: 200, example: 'employed_by,uses', description: `Only links of these kinds (comma-separated: ${LINK_KINDS.join(', ')})` })
  @IsOptional()
  @IsString()
  @MaxLength(200)
  @Matches(KIND_LIST, { message: `kinds must be a comma-separated list of ${LINK_KINDS.join(', ')}` })
  kinds?: string;
}

export class LinkResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ enum: LINK_KINDS }) kind!: LinkKind;
  @ApiProperty({ type: EntityRefDto }) from!: EntityRefDto;
  @ApiProperty({ type: EntityRefDto }) to!: EntityRefDto;
  @ApiProperty({ ...DATE, nullable: true }) validFrom!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) validTo!: string | null;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ maxLength: 1000 }) source!: string;
  @ApiProperty({ type: String, nullable: true, maxLength: 5000 }) description!: string | null;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export const LinkPageDto = PageOf(LinkResponseDto);

export function toLinkResponse(l: LinkRecord): LinkResponseDto {
  return {
    id: l.id,
    kind: l.kind,
    from: { type: l.fromType, id: l.fromId },
    to: { type: l.toType, id: l.toId },
    validFrom: l.validFrom,
    validTo: l.validTo,
    confidence: l.confidence,
    source: l.source,
    description: l.description,
    createdAt: l.createdAt.toISOString(),
    updatedAt: l.updatedAt.toISOString(),
    version: l.version,
  };
}

export class GraphNodeDto {
  @ApiProperty({ enum: ENTITY_TYPES }) type!: EntityType;
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 1024, description: 'Subject full name, organization name, or selector normalised value' }) label!: string;
  @ApiProperty({ maxLength: 50, description: 'Subject status, organization kind, or selector kind' }) detail!: string;
  @ApiProperty({ ...integer(0, 3), description: 'Links away from the root (0: the root)' }) depth!: number;
}

export class GraphEdgeDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ enum: LINK_KINDS }) kind!: LinkKind;
  @ApiProperty({ type: EntityRefDto }) from!: EntityRefDto;
  @ApiProperty({ type: EntityRefDto }) to!: EntityRefDto;
  @ApiProperty({ minimum: 0, maximum: 1 }) confidence!: number;
  @ApiProperty({ ...DATE, nullable: true }) validFrom!: string | null;
  @ApiProperty({ ...DATE, nullable: true }) validTo!: string | null;
}

export class GraphResponseDto {
  @ApiProperty({ type: EntityRefDto }) root!: EntityRefDto;
  @ApiProperty(integer(1, 3)) depth!: number;
  @ApiProperty({ type: [GraphNodeDto], maxItems: 500 }) nodes!: GraphNodeDto[];
  @ApiProperty({ type: [GraphEdgeDto], maxItems: 2000 }) edges!: GraphEdgeDto[];
  @ApiProperty({ description: 'True when the 500-node or 2,000-edge cap cut the graph short: narrow it with depth or kinds' }) truncated!: boolean;
}

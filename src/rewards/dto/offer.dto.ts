import { applyDecorators } from '@nestjs/common';
import { TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { ArrayMaxSize, ArrayUnique, IsArray, IsIn, IsObject, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, TEXT } from '../../common/validators';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { OFFER_STATUSES, type OfferStatus } from '../reward-offer.entity';
import type { OfferRecord } from '../rewards.repository';
import { MoneyDto, MoneyResponseDto, toMoney } from './money.dto';

/** How many subjects, and how many organizations, one offer may cover. */
export const MAX_COVERED = 500;

/** A list of registry ids an offer covers: optional, unique (whatever the case), bounded. */
const CoveredIds = (description: string): PropertyDecorator =>
  applyDecorators(
    ApiPropertyOptional({ type: [String], format: 'uuid', maxLength: 36, maxItems: MAX_COVERED, uniqueItems: true, default: [], description }),
    IsOptionalNotNull(),
    IsArray(),
    ArrayMaxSize(MAX_COVERED),
    ArrayUnique((id: string) => String(id).toLowerCase()),
    IsUUID('all', { each: true }),
  );

export class CreateOfferDto {
  @ApiProperty({ example: 'Rewards for Justice', minLength: 1, maxLength: 200, description: 'The programme that pays' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: 'program must not contain control characters' })
  @Matches(/\S/, { message: 'program must not be blank' })
  program!: string;

  @ApiPropertyOptional({ maxLength: 10_000, default: '', example: 'Up to USD 5 million for information on the Silverstar IT workers and companies' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(10_000)
  @Matches(TEXT, { message: 'description must not contain control characters' })
  description?: string;

  @ApiProperty({ type: MoneyDto, description: 'The most the offer pays in all: approved and paid claims never exceed it' })
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  maxAmount!: MoneyDto;

  @CoveredIds('Registry subjects the offer covers (at least one subject or organization in all)')
  subjectIds?: string[];

  @CoveredIds('Registry organizations the offer covers')
  organizationIds?: string[];
}

export class UpdateOfferDto {
  @ApiPropertyOptional({
    enum: OFFER_STATUSES,
    description: '`closed`: the offer takes no new claims and approves none; approved claims can still be paid. `open` reopens it.',
  })
  @IsOptionalNotNull()
  @IsIn(OFFER_STATUSES)
  status?: OfferStatus;

  @ApiPropertyOptional({ maxLength: 10_000 })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(10_000)
  @Matches(TEXT, { message: 'description must not contain control characters' })
  description?: string;
}

export class OfferListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: OFFER_STATUSES })
  @IsOptionalNotNull()
  @IsIn(OFFER_STATUSES)
  status?: OfferStatus;
}

export class CoveredEntityDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ example: 'Unnamed defendant 3', maxLength: 300, description: "The entity's name in the registry" }) label!: string;
}

export class OfferResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ example: 'Rewards for Justice', maxLength: 200 }) program!: string;
  @ApiProperty({ maxLength: 10_000 }) description!: string;
  @ApiProperty({ type: MoneyResponseDto, description: 'The most the offer pays in all' }) maxAmount!: MoneyResponseDto;
  @ApiProperty({ type: MoneyResponseDto, description: 'Approved and paid claims (what the offer is committed to)' }) committed!: MoneyResponseDto;
  @ApiProperty({ type: MoneyResponseDto, description: 'Of the committed amount, what has been paid' }) paid!: MoneyResponseDto;
  @ApiProperty({ type: MoneyResponseDto, description: 'maxAmount − committed: what further approvals may use' }) remaining!: MoneyResponseDto;
  @ApiProperty({ enum: OFFER_STATUSES }) status!: OfferStatus;
  @ApiProperty({ type: [CoveredEntityDto], maxItems: MAX_COVERED }) subjects!: CoveredEntityDto[];
  @ApiProperty({ type: [CoveredEntityDto], maxItems: MAX_COVERED }) organizations!: CoveredEntityDto[];
  @ApiProperty(UUID) createdBy!: string;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) closedAt!: string | null;
  @ApiProperty(VERSION) version!: number;
}

export const OfferPageDto = PageOf(OfferResponseDto);

export function toOfferResponse(o: OfferRecord, labels: ReadonlyMap<string, string>): OfferResponseDto {
  const entity = (id: string): CoveredEntityDto => ({ id, label: labels.get(id) ?? '' });
  return {
    id: o.id,
    program: o.program,
    description: o.description,
    maxAmount: toMoney(o.maxAmount, o.currency),
    committed: toMoney(o.committedAmount, o.currency),
    paid: toMoney(o.paidAmount, o.currency),
    remaining: toMoney(o.maxAmount - o.committedAmount, o.currency),
    status: o.status,
    subjects: o.subjectIds.map(entity),
    organizations: o.organizationIds.map(entity),
    createdBy: o.createdBy,
    createdAt: o.createdAt.toISOString(),
    updatedAt: o.updatedAt.toISOString(),
    closedAt: o.closedAt?.toISOString() ?? null,
    version: o.version,
  };
}

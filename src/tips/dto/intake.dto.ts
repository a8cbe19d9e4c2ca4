import { TIMESTAMP } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  IsBoolean,
  IsDefined,
  IsIn,
  IsISO8601,
  IsObject,
  IsOptional,
  IsString,
  Matches,
  MaxLength,
  MinLength,
  ValidateNested,
  ValidationArguments,
  ValidatorConstraint,
  ValidatorConstraintInterface,
  Validate,
} from 'class-validator';
import { TEXT } from '../../common/validators';
import type { TipChannel, TipStatus } from '../tip.entity';

export const TIP_CHANNELS: readonly TipChannel[] = ['web_form', 'hotline', 'email', 'partner', 'employer', 'other'];
export const TIP_STATUSES: readonly TipStatus[] = ['matching', 'received', 'triaged', 'assigned', 'actionable', 'not_actionable', 'closed', 'duplicate'];
export const CONTACT_PREFERENCES = ['email', 'phone', 'none'] as const;
export const NARRATIVE_MAX = 20_000;

/**
 * A narrative is stored and returned exactly as sent — control characters, bidi overrides and HTML included,
 * as text that is never interpreted — except what PostgreSQL text cannot hold or no encoder can write: a NUL
 * byte or a lone surrogate (400).
 */
const LONE_SURROGATE = /[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

@ValidatorConstraint({ name: 'storableText' })
export class StorableText implements ValidatorConstraintInterface {
  validate(value: unknown): boolean {
    return typeof value === 'string' && !value.includes('\u0000') && !LONE_SURROGATE.test(value);
  }
  defaultMessage(args: ValidationArguments): string {
    return `${args.property} must not contain NUL characters or lone surrogates`;
  }
}

export class TipsterDto {
  @ApiPropertyOptional({ description: 'When true, no name, email, phone or contactPreference may be given', example: false })
  @IsOptional()
  @IsBoolean()
  anonymous?: boolean;

  @ApiPropertyOptional({ maxLength: 200, example: 'A. Tipster' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: 'name must not contain control characters' })
  name?: string;

  @ApiPropertyOptional({
    maxLength: 320,
    example: 'tipster@example.net',
    description: 'Checked and normalised like an e-mail selector (lower case, IDN in punycode); a bad one is a 400 that does not repeat it',
  })
  @IsOptional()
  @IsString()
  @MaxLength(320)
  email?: string;

  @ApiPropertyOptional({
    maxLength: 40,
    example: '+1 202 555 0142',
    description: 'Any format; without a country code read in SELECTOR_DEFAULT_PHONE_REGION; stored as E.164 (encrypted)',
  })
  @IsOptional()
  @IsString()
  @MaxLength(40)
  phone?: string;

  @ApiPropertyOptional({ enum: CONTACT_PREFERENCES })
  @IsOptional()
  @IsIn(CONTACT_PREFERENCES)
  contactPreference?: (typeof CONTACT_PREFERENCES)[number];
}

export class SubmitTipDto {
  @ApiProperty({ enum: TIP_CHANNELS, example: 'web_form' })
  @IsIn(TIP_CHANNELS)
  channel!: TipChannel;

  @ApiPropertyOptional({
    maxLength: 200,
    example: 'form-2024-000123',
    description: "The integration's own id: the same one again from the same integration is a retry (answered with the first tip's reference)",
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  @Matches(TEXT, { message: 'externalId must not contain control characters' })
  externalId?: string;

  @ApiProperty({
    minLength: 1,
    maxLength: NARRATIVE_MAX,
    example: 'The remote developer we hired as "Alex" uses it.warrior@example.com and is paid to bc1qw508d6qejxtdg4y5r3zarvary0c5xw7kv8f3t4.',
  })
  @IsString()
  @MinLength(1)
  @MaxLength(NARRATIVE_MAX)
  @Validate(StorableText)
  narrative!: string;

  @ApiPropertyOptional({ maxLength: 35, example: 'en', description: 'BCP 47 language tag' })
  @IsOptional()
  @IsString()
  @Matches(/^[A-Za-z]{2,8}(-[A-Za-z0-9]{1,8}){0,4}$/, { message: 'language must be a BCP 47 tag such as en or pt-BR' })
  @MaxLength(35)
  language?: string;

  @ApiPropertyOptional({ ...TIMESTAMP, description: 'When what the tip tells happened (UTC)' })
  @IsOptional()
  @IsISO8601({ strict: true, strictSeparator: true })
  @Matches(/^(19|20)\d\d-/, { message: 'occurredAt must be a date between 1900 and 2099' })
  occurredAt?: string;

  @ApiProperty({
    type: TipsterDto,
    description: 'Who gives the tip (encrypted at rest, revealed only to supervisors and intake staff with a reason), or `{anonymous: true}`',
  })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => TipsterDto)
  tipster!: TipsterDto;

  @ApiPropertyOptional({ default: false, description: 'The tipster wants to be considered for a reward' })
  @IsOptional()
  @IsBoolean()
  rewardInterest?: boolean;
}

export class TipReceiptDto {
  @ApiProperty({ example: 'TIP-7F3KX9QM', pattern: '^TIP-[23456789ABCDEFGHJKMNPQRSTUVWXYZ]{8}$', maxLength: 12 }) reference!: string;
  @ApiProperty({ enum: TIP_STATUSES, example: 'matching', description: '`matching` right after intake (the registry match runs in the background, seconds at most), then `received` and the triage statuses' }) status!: TipStatus;
  @ApiProperty(TIMESTAMP) receivedAt!: string;
}

export function toTipReceipt(t: { reference: string; status: TipStatus; receivedAt: Date }): TipReceiptDto {
  return { reference: t.reference, status: t.status, receivedAt: t.receivedAt.toISOString() };
}

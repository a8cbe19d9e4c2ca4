import { COUNTRY, TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsOptional, IsString, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { IsCountryCode, IsOptionalNotNull } from '../../common/validators';
import { SELECTOR_KINDS, USERNAME_PLATFORMS, WALLET_CHAINS, type SelectorKind } from '../selector-normalizers';
import type { SelectorRecord } from '../selectors.repository';

const VALUE_DESCRIPTION =
  'As written anywhere: it is normalised per kind (e-mail lower-cased with an IDN domain in punycode; phone to E.164, numbers without a country code read in SELECTOR_DEFAULT_PHONE_REGION; domain and URL to the bare lower-case host, public-suffix aware; IPv4/IPv6 canonical; Bitcoin base58check or bech32/bech32m and Ethereum EIP-55 checksums checked; username as platform:name; identity document as CC:number).';

export class CreateSelectorDto {
  @ApiProperty({ enum: SELECTOR_KINDS, example: 'email' })
  @IsIn(SELECTOR_KINDS)
  kind!: SelectorKind;

  @ApiProperty({ example: 'J.Doe+Jobs@Example.com', maxLength: 512, description: VALUE_DESCRIPTION })
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  value!: string;

  @ApiPropertyOptional({ enum: USERNAME_PLATFORMS, description: 'username only (or write the value as platform:name)' })
  @IsOptionalNotNull()
  @IsIn(USERNAME_PLATFORMS)
  platform?: string;

  @ApiPropertyOptional({ enum: WALLET_CHAINS, description: 'crypto_wallet only; inferred from the address when omitted' })
  @IsOptionalNotNull()
  @IsIn(WALLET_CHAINS)
  chain?: string;

  @ApiPropertyOptional({ ...COUNTRY, example: 'US', description: 'identity_document only: the issuing country (ISO 3166-1 alpha-2), or write the value as CC:number' })
  @IsOptionalNotNull()
  @IsCountryCode()
  country?: string;

  @ApiPropertyOptional({ nullable: true, type: String, maxLength: 2000 })
  @IsOptional()
  @IsString()
  @MaxLength(2000)
  description?: string | null;
}

export class SelectorListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: SELECTOR_KINDS })
  @IsOptional()
  @IsIn(SELECTOR_KINDS)
  kind?: SelectorKind;

  @ApiPropertyOptional({
    example: '(202) 456-1111',
    maxLength: 512,
    description: 'Find the selector this value is a spelling of (any spelling: it is normalised first). With `kind`, as that kind (400 when it is not a valid one); without, as every kind it could be.',
  })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(512)
  value?: string;

  @ApiPropertyOptional({ enum: USERNAME_PLATFORMS, description: 'With value and kind=username' })
  @IsOptional()
  @IsIn(USERNAME_PLATFORMS)
  platform?: string;

  @ApiPropertyOptional({ enum: WALLET_CHAINS, description: 'With value and kind=crypto_wallet' })
  @IsOptional()
  @IsIn(WALLET_CHAINS)
  chain?: string;

  @ApiPropertyOptional({ ...COUNTRY, description: 'With value and kind=identity_document' })
  @IsOptional()
  @IsCountryCode()
  country?: string;
}

export class SelectorResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ enum: SELECTOR_KINDS }) kind!: SelectorKind;
  @ApiProperty({ maxLength: 512, example: 'J.Doe+Jobs@Example.com', description: 'As first recorded' }) value!: string;
  @ApiProperty({ maxLength: 1024, example: 'j.doe+jobs@example.com', description: 'The canonical form: unique per kind' }) normalizedValue!: string;
  @ApiProperty({ enum: USERNAME_PLATFORMS, nullable: true, description: 'username: the platform' }) platform!: string | null;
  @ApiProperty({ enum: WALLET_CHAINS, nullable: true, description: 'crypto_wallet: the chain' }) chain!: string | null;
  @ApiProperty({ ...COUNTRY, nullable: true, description: 'identity_document: the issuing country' }) country!: string | null;
  @ApiProperty({ type: String, nullable: true, maxLength: 2000 }) description!: string | null;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export const SelectorPageDto = PageOf(SelectorResponseDto);

export function toSelectorResponse(s: SelectorRecord): SelectorResponseDto {
  return {
    id: s.id,
    kind: s.kind,
    value: s.value,
    normalizedValue: s.normalizedValue,
    platform: s.kind === 'username' ? s.qualifier : null,
    chain: s.kind === 'crypto_wallet' ? s.qualifier : null,
    country: s.kind === 'identity_document' ? s.qualifier : null,
    description: s.description,
    createdAt: s.createdAt.toISOString(),
    version: s.version,
  };
}

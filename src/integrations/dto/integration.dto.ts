import { TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { INTEGRATION_PERMISSIONS } from '../../access/permissions';
import { ApiProperty } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { IntegrationRecord } from '../integrations.repository';

export class CreateIntegrationDto {
  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Rewards for Justice web form' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class IntegrationListQueryDto extends PageQueryDto {}

export class IntegrationResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 200, example: 'Rewards for Justice web form' }) name!: string;
  @ApiProperty({ pattern: '^cfk_[A-Z2-9]{10}$', maxLength: 14, example: 'cfk_7QK2M4XPLD', description: 'The public start of the key, to recognise it' }) keyPrefix!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: 'active' | 'revoked';
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) rotatedAt!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) revokedAt!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) lastUsedAt!: string | null;
  @ApiProperty(VERSION) version!: number;
}

export class IntegrationWithKeyResponseDto extends IntegrationResponseDto {
  @ApiProperty({ pattern: '^cfk_[A-Z2-9]{10}_[A-Za-z0-9_-]{43}$', maxLength: 58, example: 'cfk_7QK2M4XPLD_ZXhhbXBsZS1rZXktbm90LXJlYWwtMDEyMzQ1Njc4OWF', description: 'Shown once: store it now. Send it as X-API-Key.' }) apiKey!: string;
}

export const IntegrationPageDto = PageOf(IntegrationResponseDto);

export function toIntegrationResponse(i: IntegrationRecord): IntegrationResponseDto {
  return {
    id: i.id,
    name: i.name,
    keyPrefix: i.keyPrefix,
    status: i.revokedAt ? 'revoked' : 'active',
    createdAt: i.createdAt.toISOString(),
    rotatedAt: i.rotatedAt?.toISOString() ?? null,
    revokedAt: i.revokedAt?.toISOString() ?? null,
    lastUsedAt: i.lastUsedAt?.toISOString() ?? null,
    version: i.version,
  };
}

export class IntegrationWhoamiDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ maxLength: 200 }) name!: string;
  @ApiProperty({ enum: INTEGRATION_PERMISSIONS, isArray: true, maxItems: INTEGRATION_PERMISSIONS.length, example: ['tip:submit', 'tip:read-own-status'] }) permissions!: string[];
}

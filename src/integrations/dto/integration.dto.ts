import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, MaxLength, MinLength } from 'class-validator';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { IntegrationRecord } from '../integrations.repository';

export class CreateIntegrationDto {
  @ApiProperty({ example: 'Rewards for Justice web form' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  name!: string;
}

export class IntegrationListQueryDto extends PageQueryDto {}

export class IntegrationResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty({ example: 'Rewards for Justice web form' }) name!: string;
  @ApiProperty({ example: 'cfk_7QK2M4XPLD', description: 'The public start of the key, to recognise it' }) keyPrefix!: string;
  @ApiProperty({ enum: ['active', 'revoked'] }) status!: 'active' | 'revoked';
  @ApiProperty() createdAt!: string;
  @ApiPropertyOptional({ nullable: true, type: String }) rotatedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) revokedAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lastUsedAt!: string | null;
  @ApiProperty() version!: number;
}

export class IntegrationWithKeyResponseDto extends IntegrationResponseDto {
  @ApiProperty({ example: 'cfk_7QK2M4XPLD_Qm9v…', description: 'Shown once: store it now. Send it as X-API-Key.' }) apiKey!: string;
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
  @ApiProperty() id!: string;
  @ApiProperty() name!: string;
  @ApiProperty({ example: ['tip:submit', 'tip:read-own-status'] }) permissions!: string[];
}

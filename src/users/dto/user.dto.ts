import { TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Role } from '../../access/request-context';
import { ROLES } from '../../access/permissions';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { UserAccount } from '../users.repository';
import { MAX_PASSWORD_LENGTH } from '../password-policy';

export class CreateUserDto {
  @ApiProperty({ pattern: '^[A-Za-z0-9._-]{3,64}$', maxLength: 64, example: 'j.ramirez', description: '3–64 characters: letters, digits, dot, dash, underscore; case-insensitive and unique' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'username must be 3–64 letters, digits, dots, dashes or underscores' })
  username!: string;

  @ApiProperty({ minLength: 1, maxLength: 200, example: 'Jo Ramirez' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @ApiProperty({ format: 'password', maxLength: MAX_PASSWORD_LENGTH, example: 'violet-harbour-lantern-42', description: 'At least 12 characters, not the username, not a common password, scored at least 3 of 4 by zxcvbn (the 422 says why)' })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiProperty({ example: ['investigator'], enum: ROLES, isArray: true, minItems: 1, maxItems: 6, uniqueItems: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ minLength: 1, maxLength: 200, example: 'Jo Ramirez' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ example: ['investigator', 'analyst'], enum: ROLES, isArray: true, minItems: 1, maxItems: 6, uniqueItems: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}

export class DisableUserDto {
  @ApiPropertyOptional({ maxLength: 500, example: 'Left the unit' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class UserListQueryDto extends PageQueryDto {}

export class UserResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ pattern: '^[A-Za-z0-9._-]{3,64}$', maxLength: 64, example: 'j.ramirez' }) username!: string;
  @ApiProperty({ maxLength: 200, example: 'Jo Ramirez' }) displayName!: string;
  @ApiProperty({ example: ['investigator'], enum: ROLES, isArray: true, maxItems: ROLES.length }) roles!: Role[];
  @ApiProperty({ enum: ['active', 'disabled', 'locked'] }) status!: 'active' | 'disabled' | 'locked';
  @ApiProperty({ ...TIMESTAMP, nullable: true }) disabledAt!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true, description: 'Locked after repeated failed sign-ins until then (null: not locked)' }) lockedUntil!: string | null;
  @ApiProperty() mfaEnabled!: boolean;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) lastLoginAt!: string | null;
  @ApiProperty(TIMESTAMP) createdAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export const UserPageDto = PageOf(UserResponseDto);

export function toUserResponse(user: UserAccount): UserResponseDto {
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    status: user.disabledAt ? 'disabled' : locked ? 'locked' : 'active',
    disabledAt: user.disabledAt?.toISOString() ?? null,
    lockedUntil: locked ? user.lockedUntil!.toISOString() : null,
    mfaEnabled: user.mfaEnabled,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    version: user.version,
  };
}

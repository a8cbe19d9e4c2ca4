import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { ArrayMaxSize, ArrayMinSize, ArrayUnique, IsArray, IsIn, IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import type { Role } from '../../access/request-context';
import { ROLES } from '../../access/permissions';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import type { UserAccount } from '../users.repository';
import { MAX_PASSWORD_LENGTH } from '../password-policy';

export class CreateUserDto {
  @ApiProperty({ example: 'j.ramirez', description: '3–64 characters: letters, digits, dot, dash, underscore; case-insensitive and unique' })
  @IsString()
  @Matches(/^[A-Za-z0-9._-]{3,64}$/, { message: 'username must be 3–64 letters, digits, dots, dashes or underscores' })
  username!: string;

  @ApiProperty({ example: 'Jo Ramirez' })
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName!: string;

  @ApiProperty({ example: 'violet-harbour-lantern-42', description: 'At least 12 characters, not the username, not a common password, scored at least 3 of 4 by zxcvbn (the 422 says why)' })
  @IsString()
  @MaxLength(MAX_PASSWORD_LENGTH)
  password!: string;

  @ApiProperty({ example: ['investigator'], enum: ROLES, isArray: true })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles!: Role[];
}

export class UpdateUserDto {
  @ApiPropertyOptional({ example: 'Jo Ramirez' })
  @IsOptional()
  @IsString()
  @MinLength(1)
  @MaxLength(200)
  displayName?: string;

  @ApiPropertyOptional({ example: ['investigator', 'analyst'], enum: ROLES, isArray: true })
  @IsOptional()
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(6)
  @ArrayUnique()
  @IsIn(ROLES, { each: true })
  roles?: Role[];
}

export class DisableUserDto {
  @ApiPropertyOptional({ example: 'Left the unit' })
  @IsOptional()
  @IsString()
  @MaxLength(500)
  reason?: string;
}

export class UserListQueryDto extends PageQueryDto {}

export class UserResponseDto {
  @ApiProperty({ example: '01938f0c-3f6e-7a52-9e1e-1c2b3d4e5f60' }) id!: string;
  @ApiProperty({ example: 'j.ramirez' }) username!: string;
  @ApiProperty({ example: 'Jo Ramirez' }) displayName!: string;
  @ApiProperty({ example: ['investigator'], enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ enum: ['active', 'disabled', 'locked'] }) status!: 'active' | 'disabled' | 'locked';
  @ApiPropertyOptional({ nullable: true, type: String }) disabledAt!: string | null;
  @ApiPropertyOptional({ nullable: true, type: String }) lockedUntil!: string | null;
  @ApiProperty() mfaEnabled!: boolean;
  @ApiPropertyOptional({ nullable: true, type: String }) lastLoginAt!: string | null;
  @ApiProperty() createdAt!: string;
  @ApiProperty({ example: 1 }) version!: number;
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

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { ROLES } from '../../access/permissions';
import type { Role } from '../../access/request-context';

export class LoginDto {
  @ApiProperty({ example: 'j.ramirez' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ example: 'violet-harbour-lantern-42' })
  @IsString()
  @MinLength(1)
  @MaxLength(256)
  password!: string;
}

export class RefreshDto {
  @ApiProperty({ description: 'The refresh token from login or the previous refresh (each is good for one use)' })
  @IsString()
  @MaxLength(200)
  refreshToken!: string;
}

export class MfaVerifyDto {
  @ApiProperty({ description: 'challengeToken from the login response' })
  @IsString()
  @MaxLength(2000)
  challengeToken!: string;

  @ApiProperty({ example: '492039' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class MfaConfirmDto {
  @ApiProperty({ example: '492039' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class MfaEnrolDto {
  @ApiProperty({ description: 'The account password: an access token alone never changes a factor', maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({ example: '492039', description: 'A current code of the enrolled factor: required to replace one', pattern: '^\\d{6}$' })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code?: string;
}

export class MfaRemoveDto {
  @ApiProperty({ description: 'The account password', maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: '492039', description: 'A current code of the enrolled factor', pattern: '^\\d{6}$' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class ChangePasswordDto {
  @ApiProperty()
  @IsString()
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ description: 'At least 12 characters, not the username, not a common password' })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

export class TokenResponseDto {
  @ApiProperty({ description: 'JWT for `Authorization: Bearer …`' }) accessToken!: string;
  @ApiProperty({ description: 'Opaque; rotates on every use; reuse revokes the session' }) refreshToken!: string;
  @ApiProperty({ example: 'Bearer' }) tokenType!: 'Bearer';
  @ApiProperty({ example: 900, description: 'Seconds until the access token expires' }) expiresIn!: number;
}

export class MfaChallengeResponseDto {
  @ApiProperty({ example: true }) mfaRequired!: true;
  @ApiProperty({ description: 'Send it with a TOTP code to POST /api/v1/auth/mfa/verify within 5 minutes' }) challengeToken!: string;
}

export class MfaEnrolmentResponseDto {
  @ApiProperty({ example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32 secret (shown once)' }) secret!: string;
  @ApiProperty({ example: 'otpauth://totp/Casefile:j.ramirez?secret=…&issuer=Casefile' }) otpauthUri!: string;
}

export class MeResponseDto {
  @ApiProperty() id!: string;
  @ApiProperty() username!: string;
  @ApiProperty() displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true }) roles!: Role[];
  @ApiProperty({ description: 'Permissions the roles grant' }) permissions!: string[];
  @ApiProperty() mfaEnabled!: boolean;
  @ApiProperty({ description: 'True when MFA_REQUIRED and no second factor is enrolled yet: only enrolment, me and logout work' }) mfaEnrolmentRequired!: boolean;
}

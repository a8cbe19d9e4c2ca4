import { UUID } from '../../common/openapi/openapi-properties';
import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsOptional, IsString, Matches, MaxLength, MinLength } from 'class-validator';
import { PERMISSIONS, ROLES } from '../../access/permissions';
import type { Role } from '../../access/request-context';

export class LoginDto {
  @ApiProperty({ example: 'j.ramirez' })
  @IsString()
  @MinLength(1)
  @MaxLength(64)
  username!: string;

  @ApiProperty({ format: 'password', minLength: 1, maxLength: 256, example: 'violet-harbour-lantern-42' })
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

  @ApiProperty({ pattern: '^\\d{6}$', maxLength: 6, example: '492039' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class MfaConfirmDto {
  @ApiProperty({ pattern: '^\\d{6}$', maxLength: 6, example: '492039' })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class MfaEnrolDto {
  @ApiProperty({ format: 'password', description: 'The account password: an access token alone never changes a factor', maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiPropertyOptional({ example: '492039', description: 'A current code of the enrolled factor: required to replace one', pattern: '^\\d{6}$', maxLength: 6 })
  @IsOptional()
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code?: string;
}

export class MfaRemoveDto {
  @ApiProperty({ format: 'password', description: 'The account password', maxLength: 256 })
  @IsString()
  @MaxLength(256)
  password!: string;

  @ApiProperty({ example: '492039', description: 'A current code of the enrolled factor', pattern: '^\\d{6}$', maxLength: 6 })
  @Matches(/^\d{6}$/, { message: 'code must be the 6 digits shown by the authenticator app' })
  code!: string;
}

export class ChangePasswordDto {
  @ApiProperty({ format: 'password', maxLength: 256 })
  @IsString()
  @MaxLength(256)
  currentPassword!: string;

  @ApiProperty({ format: 'password', maxLength: 256, description: 'At least 12 characters, not the username, not a common password' })
  @IsString()
  @MaxLength(256)
  newPassword!: string;
}

/** A JWT as Casefile signs them (three base64url parts). */
const JWT = { type: String, pattern: '^[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]+$', maxLength: 2000 };

/** Signed in: the answer of login (without a second factor), of mfa/verify and of refresh. */
export class TokenResponseDto {
  @ApiProperty({ enum: ['tokens'], description: 'Which answer this is: `tokens` (see MfaChallengeResponseDto for the other answer of login)' }) kind!: 'tokens';
  @ApiProperty({ ...JWT, description: 'JWT for `Authorization: Bearer …`' }) accessToken!: string;
  @ApiProperty({ pattern: '^cfr_[A-Za-z0-9_-]{43}$', maxLength: 47, description: 'Opaque; rotates on every use; reuse revokes the session' }) refreshToken!: string;
  @ApiProperty({ enum: ['Bearer'] }) tokenType!: 'Bearer';
  @ApiProperty({ type: 'integer', format: 'int32', minimum: 1, maximum: 900, example: 900, description: 'Seconds until the access token expires' }) expiresIn!: number;
}

/** The account has a second factor: send the challenge token with a code to POST /api/v1/auth/mfa/verify. */
export class MfaChallengeResponseDto {
  @ApiProperty({ enum: ['mfa-challenge'], description: 'Which answer this is: `mfa-challenge`' }) kind!: 'mfa-challenge';
  @ApiProperty({ enum: [true], description: 'Always true (kept for clients that test it; `kind` tells the answers apart)' }) mfaRequired!: true;
  @ApiProperty({ ...JWT, description: 'Send it with a TOTP code to POST /api/v1/auth/mfa/verify within 5 minutes' }) challengeToken!: string;
}

export class MfaEnrolmentResponseDto {
  @ApiProperty({ pattern: '^[A-Z2-7]+=*$', maxLength: 128, example: 'JBSWY3DPEHPK3PXPJBSWY3DPEHPK3PXP', description: 'Base32 secret (shown once)' }) secret!: string;
  @ApiProperty({ format: 'uri', maxLength: 500, example: 'otpauth://totp/Casefile:j.ramirez?secret=JBSWY3DPEHPK3PXP&issuer=Casefile' }) otpauthUri!: string;
}

export class MeResponseDto {
  @ApiProperty({ ...UUID, maxLength: 36 }) id!: string;
  @ApiProperty({ pattern: '^[A-Za-z0-9._-]{3,64}$', maxLength: 64 }) username!: string;
  @ApiProperty({ maxLength: 200 }) displayName!: string;
  @ApiProperty({ enum: ROLES, isArray: true, maxItems: ROLES.length }) roles!: Role[];
  @ApiProperty({ enum: PERMISSIONS, isArray: true, maxItems: PERMISSIONS.length, description: 'Permissions the roles grant' }) permissions!: string[];
  @ApiProperty() mfaEnabled!: boolean;
  @ApiProperty({ description: 'True when MFA_REQUIRED and no second factor is enrolled yet: only enrolment, me and logout work' }) mfaEnrolmentRequired!: boolean;
}

import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, createSecretKey, KeyObject, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { InvalidTokenError } from './auth.errors';
import type { TokenResponseDto } from './dto/auth.dto';

export const ACCESS_TOKEN_SECONDS = 15 * 60;
export const CHALLENGE_TOKEN_SECONDS = 5 * 60;
export const JWT_ISSUER = 'casefile';
export const ACCESS_AUDIENCE = 'casefile-api';
const CHALLENGE_AUDIENCE = 'casefile-mfa';

export interface AccessClaims {
  sub: string;
  sid: string;
  typ: 'access';
}

/**
 * The HS256 key as a KeyObject, made once: given a string, jsonwebtoken first tries it as a PEM public key
 * on every call (a thrown exception each time), which cost ~90% of an authenticated request's CPU.
 */
export function jwtKey(config: AppConfig): KeyObject {
  return createSecretKey(Buffer.from(config.secrets.jwtSecret, 'utf8'));
}

/** Signs and checks Casefile's tokens: access JWTs, MFA challenge JWTs, opaque refresh tokens. */
@Injectable()
export class TokenService {
  private readonly key: KeyObject;

  constructor(
    private readonly jwt: JwtService,
    @Inject(AppConfig) config: AppConfig,
  ) {
    this.key = jwtKey(config);
  }

  private accessToken(userId: string, sessionId: string): string {
    return this.jwt.sign({ sid: sessionId, typ: 'access' }, { subject: userId, audience: ACCESS_AUDIENCE, issuer: JWT_ISSUER, expiresIn: ACCESS_TOKEN_SECONDS, algorithm: 'HS256', secret: this.key as unknown as string });
  }

  challengeToken(userId: string): string {
    return this.jwt.sign({ typ: 'mfa' }, { subject: userId, audience: CHALLENGE_AUDIENCE, issuer: JWT_ISSUER, expiresIn: CHALLENGE_TOKEN_SECONDS, algorithm: 'HS256', secret: this.key as unknown as string });
  }

  /** The user id a challenge token was issued to, or 401. */
  verifyChallenge(token: string): string {
    try {
      const claims = this.jwt.verify<{ sub: string; typ: string }>(token, { audience: CHALLENGE_AUDIENCE, issuer: JWT_ISSUER, algorithms: ['HS256'], secret: this.key as unknown as string });
      if (claims.typ !== 'mfa') throw new Error('not a challenge token');
      return claims.sub;
    } catch {
      throw new InvalidTokenError('challenge token');
    }
  }

  /** The token response of a session: a fresh access token beside the session's new refresh token. */
  tokenResponse(userId: string, sessionId: string, refreshToken: string): TokenResponseDto {
    return { kind: 'tokens', accessToken: this.accessToken(userId, sessionId), refreshToken, tokenType: 'Bearer', expiresIn: ACCESS_TOKEN_SECONDS };
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = `cfr_${randomBytes(32).toString('base64url')}`;
    return { token, hash: this.hashRefreshToken(token) };
  }

  hashRefreshToken(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }
}

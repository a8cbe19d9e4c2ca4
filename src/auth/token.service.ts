import { Inject, Injectable } from '@nestjs/common';
import { JwtService } from '@nestjs/jwt';
import { createHash, randomBytes } from 'node:crypto';
import { AppConfig } from '../config/app-config';
import { InvalidTokenError } from './auth.errors';

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

/** Signs and checks Casefile's tokens: access JWTs, MFA challenge JWTs, opaque refresh tokens. */
@Injectable()
export class TokenService {
  constructor(
    private readonly jwt: JwtService,
    @Inject(AppConfig) private readonly config: AppConfig,
  ) {}

  accessToken(userId: string, sessionId: string): string {
    return this.jwt.sign({ sid: sessionId, typ: 'access' }, { subject: userId, audience: ACCESS_AUDIENCE, issuer: JWT_ISSUER, expiresIn: ACCESS_TOKEN_SECONDS, algorithm: 'HS256', secret: this.config.secrets.jwtSecret });
  }

  challengeToken(userId: string): string {
    return this.jwt.sign({ typ: 'mfa' }, { subject: userId, audience: CHALLENGE_AUDIENCE, issuer: JWT_ISSUER, expiresIn: CHALLENGE_TOKEN_SECONDS, algorithm: 'HS256', secret: this.config.secrets.jwtSecret });
  }

  /** The user id a challenge token was issued to, or 401. */
  verifyChallenge(token: string): string {
    try {
      const claims = this.jwt.verify<{ sub: string; typ: string }>(token, { audience: CHALLENGE_AUDIENCE, issuer: JWT_ISSUER, algorithms: ['HS256'], secret: this.config.secrets.jwtSecret });
      if (claims.typ !== 'mfa') throw new Error('not a challenge token');
      return claims.sub;
    } catch {
      throw new InvalidTokenError('challenge token');
    }
  }

  newRefreshToken(): { token: string; hash: string } {
    const token = `cfr_${randomBytes(32).toString('base64url')}`;
    return { token, hash: this.hashRefreshToken(token) };
  }

  hashRefreshToken(token: string): string {
    return createHash('sha256').update(token).digest('hex');
  }
}

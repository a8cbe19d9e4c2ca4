import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-jwt';
import { Principal } from '../../access/request-context';
import { AppConfig } from '../../config/app-config';
import { SessionCheckService } from '../session-check.service';
import { ACCESS_AUDIENCE, ACCESS_TOKEN_SECONDS, AccessClaims, JWT_ISSUER, jwtKey } from '../token.service';

/** `Bearer <one JWT>`, nothing before or after it: three base64url parts (RFC 6750 §2.1, RFC 7519). */
const BEARER = /^Bearer ([A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+)$/i;

/**
 * The access token of an Authorization header, or undefined when the header is not exactly
 * `Bearer <token>` (two tokens, extra words, a token of the wrong shape are refused, not half-read).
 */
export function bearerTokenOf(header: string | string[] | undefined): string | undefined {
  if (typeof header !== 'string' || header.length > 4096) return undefined;
  return BEARER.exec(header)?.[1];
}

/** The claims an access token must carry, with their types; a token without any of them is refused. */
function hasAccessClaims(claims: Partial<Record<keyof AccessClaims | 'exp' | 'iat', unknown>>): boolean {
  return (
    claims.typ === 'access' &&
    typeof claims.sub === 'string' &&
    typeof claims.sid === 'string' &&
    typeof claims.exp === 'number' &&
    typeof claims.iat === 'number' &&
    // No longer-lived than Casefile issues them (a token minted with the key but not by TokenService).
    claims.exp - claims.iat <= ACCESS_TOKEN_SECONDS
  );
}

/**
 * passport-jwt: a bearer access token signed with our key (HS256 only: `alg: none` and other keys fail),
 * for our audience, with `exp`, `iat`, `sub` and `sid`, not expired — and then the session and user rows,
 * checked on every request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(AppConfig) config: AppConfig,
    private readonly sessions: SessionCheckService,
  ) {
    super({
      jwtFromRequest: (request: FastifyRequest) => bearerTokenOf(request.headers.authorization) ?? null,
      secretOrKey: jwtKey(config) as unknown as string,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: ACCESS_AUDIENCE,
      ignoreExpiration: false,
      // jsonwebtoken checks `exp` only when present; maxAge makes `iat` required and bounds the age too.
      jsonWebTokenOptions: { maxAge: ACCESS_TOKEN_SECONDS },
    });
  }

  async validate(claims: AccessClaims & { exp?: unknown; iat?: unknown }): Promise<Principal | false> {
    if (!hasAccessClaims(claims)) return false;
    return (await this.sessions.principalFor(claims.sub, claims.sid)) ?? false;
  }
}

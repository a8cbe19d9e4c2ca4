import { Inject, Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import { ExtractJwt, Strategy } from 'passport-jwt';
import { Principal } from '../../access/request-context';
import { AppConfig } from '../../config/app-config';
import { SessionCheckService } from '../session-check.service';
import { ACCESS_AUDIENCE, AccessClaims, JWT_ISSUER, jwtKey } from '../token.service';

/**
 * passport-jwt: a bearer access token signed with our key (HS256 only: `alg: none` and other keys fail),
 * for our audience, not expired — and then the session and user rows, checked on every request.
 */
@Injectable()
export class JwtStrategy extends PassportStrategy(Strategy, 'jwt') {
  constructor(
    @Inject(AppConfig) config: AppConfig,
    private readonly sessions: SessionCheckService,
  ) {
    super({
      jwtFromRequest: ExtractJwt.fromAuthHeaderAsBearerToken(),
      secretOrKey: jwtKey(config) as unknown as string,
      algorithms: ['HS256'],
      issuer: JWT_ISSUER,
      audience: ACCESS_AUDIENCE,
      ignoreExpiration: false,
    });
  }

  async validate(claims: AccessClaims): Promise<Principal | false> {
    if (claims.typ !== 'access' || typeof claims.sid !== 'string' || typeof claims.sub !== 'string') return false;
    return (await this.sessions.principalFor(claims.sub, claims.sid)) ?? false;
  }
}

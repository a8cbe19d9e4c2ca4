import { Injectable } from '@nestjs/common';
import { PassportStrategy } from '@nestjs/passport';
import type { FastifyRequest } from 'fastify';
import { Strategy } from 'passport-local';
import { requestContextOf } from '../../access/request-context';
import { AuthService, SignedInUser } from '../auth.service';

/** passport-local: username and password from the (already validated) login body. */
@Injectable()
export class LocalStrategy extends PassportStrategy(Strategy, 'local') {
  constructor(private readonly auth: AuthService) {
    super({ usernameField: 'username', passwordField: 'password', passReqToCallback: true, session: false });
  }

  validate(request: FastifyRequest, username: string, password: string): Promise<SignedInUser> {
    return this.auth.validateLogin(username, password, requestContextOf(request));
  }
}

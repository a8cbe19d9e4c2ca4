import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { IntegrationsModule } from '../integrations/integrations.module';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AuthJobs } from './auth.jobs';
import { AuthSessionRepository } from './auth-session.repository';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { LoginGuard } from './login.guard';
import { SessionCheckService } from './session-check.service';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { TokenService } from './token.service';

/** Sign-in, sessions, the second factor, the passport strategies and the global guard. */
@Module({
  imports: [PassportModule.register({ session: false }), JwtModule.register({}), UsersModule, IntegrationsModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    SessionCheckService,
    TokenService,
    AuthSessionRepository,
    AuthJobs,
    LocalStrategy,
    JwtStrategy,
    ApiKeyStrategy,
    LoginGuard,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
})
export class AuthModule {}

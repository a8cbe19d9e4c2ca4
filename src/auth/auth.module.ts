import { Module } from '@nestjs/common';
import { APP_GUARD } from '@nestjs/core';
import { JwtModule } from '@nestjs/jwt';
import { PassportModule } from '@nestjs/passport';
import { IntegrationsModule } from '../integrations/integrations.module';
import { UsersModule } from '../users/users.module';
import { AccessGuard } from './access.guard';
import { AuthSessionRepository } from './auth-session.repository';
import { AuthController } from './auth.controller';
import { AuthService } from './auth.service';
import { CaseAccessService } from './case-access.service';
import { HousekeepingService } from './housekeeping.service';
import { LoginGuard } from './login.guard';
import { ApiKeyStrategy } from './strategies/api-key.strategy';
import { JwtStrategy } from './strategies/jwt.strategy';
import { LocalStrategy } from './strategies/local.strategy';
import { TokenService } from './token.service';

@Module({
  imports: [PassportModule.register({ session: false }), JwtModule.register({}), UsersModule, IntegrationsModule],
  controllers: [AuthController],
  providers: [
    AuthService,
    TokenService,
    AuthSessionRepository,
    LocalStrategy,
    JwtStrategy,
    ApiKeyStrategy,
    LoginGuard,
    CaseAccessService,
    HousekeepingService,
    { provide: APP_GUARD, useClass: AccessGuard },
  ],
  exports: [CaseAccessService],
})
export class AuthModule {}

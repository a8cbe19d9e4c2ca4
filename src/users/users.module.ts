import { Module } from '@nestjs/common';
import { BootstrapAdminService } from './bootstrap-admin.service';
import { PasswordHasher } from './password-hasher';
import { UsersController } from './users.controller';
import { UsersRepository } from './users.repository';
import { UsersJobs } from './users.jobs';
import { UsersMetrics } from './users.metrics';
import { UsersService } from './users.service';
import { UserCredentialsService } from './user-credentials.service';

@Module({
  controllers: [UsersController],
  providers: [UsersRepository, UsersService, UserCredentialsService, PasswordHasher, BootstrapAdminService, UsersJobs, UsersMetrics],
  exports: [UsersService, UserCredentialsService, PasswordHasher],
})
export class UsersModule {}

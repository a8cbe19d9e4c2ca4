import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { TipsModule } from '../tips/tips.module';
import { RewardsController } from './rewards.controller';
import { RewardsRepository } from './rewards.repository';
import { RewardsService } from './rewards.service';

/** Rewards: offers with a cap, claims on tips, two-person approval, payments recorded once. */
@Module({
  imports: [TipsModule, CasesModule, SubjectsModule, OrganizationsModule],
  controllers: [RewardsController],
  providers: [RewardsRepository, RewardsService],
  exports: [RewardsService],
})
export class RewardsModule {}

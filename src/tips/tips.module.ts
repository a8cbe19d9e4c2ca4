import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { LinksModule } from '../links/links.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SelectorsModule } from '../selectors/selectors.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { UsersModule } from '../users/users.module';
import { TipIntakeController } from './tip-intake.controller';
import { TipIntakeService } from './tip-intake.service';
import { TipMatcher } from './tip-matcher.service';
import { TipMatchingWorker } from './tip-matching-worker.service';
import { TipsJobs } from './tips.jobs';
import { TipsterVault } from './tipster-vault';
import { TipsController } from './tips.controller';
import { TipsRepository } from './tips.repository';
import { TipsService } from './tips.service';
import { TipsterReencryption } from './tipster-reencryption.service';

/** Tips: intake from integrations (with tipster protection and matching) and triage by staff. */
@Module({
  imports: [CasesModule, UsersModule, SelectorsModule, SubjectsModule, OrganizationsModule, LinksModule],
  controllers: [TipIntakeController, TipsController],
  providers: [TipsRepository, TipsterVault, TipMatcher, TipMatchingWorker, TipsJobs, TipIntakeService, TipsService, TipsterReencryption],
  exports: [TipsService, TipsterReencryption, TipMatchingWorker],
})
export class TipsModule {}

import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { UsersModule } from '../users/users.module';
import { CaseRegistryController, RegistryCasesController } from './case-registry.controller';
import { CaseRegistryRepository } from './case-registry.repository';
import { CaseRegistryService } from './case-registry.service';
import { CaseNotesController } from './case-notes.controller';
import { CaseNotesRepository } from './case-notes.repository';
import { CaseNotesService } from './case-notes.service';
import { CaseTasksController } from './case-tasks.controller';
import { CaseTasksRepository } from './case-tasks.repository';
import { CaseTasksService } from './case-tasks.service';
import { CasesController } from './cases.controller';
import { CasesRepository } from './cases.repository';
import { CasesService } from './cases.service';
import { MeController } from './me.controller';

/** Cases with need-to-know everywhere: members, notes, tasks, linked registry entities, the timeline, and "my work". */
@Module({
  imports: [UsersModule, SubjectsModule, OrganizationsModule],
  controllers: [CasesController, CaseNotesController, CaseTasksController, CaseRegistryController, RegistryCasesController, MeController],
  providers: [CasesRepository, CaseNotesRepository, CaseTasksRepository, CaseRegistryRepository, CasesService, CaseNotesService, CaseTasksService, CaseRegistryService],
  exports: [CasesService, CaseRegistryService],
})
export class CasesModule {}

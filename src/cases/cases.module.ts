import { Module } from '@nestjs/common';
import { UsersModule } from '../users/users.module';
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

/** Cases with need-to-know everywhere: members, notes, tasks, the timeline, and "my work". */
@Module({
  imports: [UsersModule],
  controllers: [CasesController, CaseNotesController, CaseTasksController, MeController],
  providers: [CasesRepository, CaseNotesRepository, CaseTasksRepository, CasesService, CaseNotesService, CaseTasksService],
  exports: [CasesService],
})
export class CasesModule {}

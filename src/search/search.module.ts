import { Module } from '@nestjs/common';
import { CasesModule } from '../cases/cases.module';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SelectorsModule } from '../selectors/selectors.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { TipsModule } from '../tips/tips.module';
import { SearchController } from './search.controller';
import { SearchService } from './search.service';

@Module({
  imports: [CasesModule, SubjectsModule, OrganizationsModule, SelectorsModule, TipsModule],
  controllers: [SearchController],
  providers: [SearchService],
})
export class SearchModule {}

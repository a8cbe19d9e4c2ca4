import { Module } from '@nestjs/common';
import { OrganizationsModule } from '../organizations/organizations.module';
import { SelectorsModule } from '../selectors/selectors.module';
import { SubjectsModule } from '../subjects/subjects.module';
import { GraphController, LinksController } from './links.controller';
import { LinksRepository } from './links.repository';
import { LinksService } from './links.service';

@Module({
  imports: [SubjectsModule, OrganizationsModule, SelectorsModule],
  controllers: [LinksController, GraphController],
  providers: [LinksRepository, LinksService],
  exports: [LinksService],
})
export class LinksModule {}

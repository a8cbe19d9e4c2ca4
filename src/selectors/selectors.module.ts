import { Module } from '@nestjs/common';
import { SelectorsController } from './selectors.controller';
import { SelectorsRepository } from './selectors.repository';
import { SelectorsService } from './selectors.service';

@Module({
  controllers: [SelectorsController],
  providers: [SelectorsRepository, SelectorsService],
  exports: [SelectorsService],
})
export class SelectorsModule {}

import { Module } from '@nestjs/common';
import { IntakeWhoamiController, IntegrationsController } from './integrations.controller';
import { IntegrationsRepository } from './integrations.repository';
import { IntegrationsService } from './integrations.service';

@Module({
  controllers: [IntegrationsController, IntakeWhoamiController],
  providers: [IntegrationsRepository, IntegrationsService],
  exports: [IntegrationsService],
})
export class IntegrationsModule {}

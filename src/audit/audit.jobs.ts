import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { runScheduledJob } from '../common/scheduling/scheduled-job';
import { AppConfig } from '../config/app-config';
import { AuditTrail } from './audit-trail.service';

/**
 * Every minute, the denial windows that have closed become their aggregate records. Any replica may run
 * it at any time: each window is written once (see AuditRepository.flushDenialWindows).
 */
@Injectable()
export class AuditJobs {
  private readonly logger = new Logger('AuditJobs');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly trail: AuditTrail,
  ) {}

  @Cron(CronExpression.EVERY_MINUTE)
  async everyMinute(): Promise<void> {
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'denial aggregation', () => this.trail.flushDenialWindows());
  }
}

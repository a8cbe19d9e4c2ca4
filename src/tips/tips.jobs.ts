import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { runScheduledJob } from '../common/scheduling/scheduled-job';
import { AppConfig } from '../config/app-config';
import { TipsRepository } from './tips.repository';

/** Hourly: the narrative bands older than the 30-day duplicate window are removed (any replica; idempotent). */
@Injectable()
export class TipsJobs {
  private readonly logger = new Logger('TipsJobs');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly tips: TipsRepository,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async purgeBands(): Promise<void> {
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'tip narrative band purge', () => this.tips.purgeBands());
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AppConfig } from '../config/app-config';
import { IdempotencyRepository } from './idempotency/idempotency.repository';
import { RateLimiter } from './rate-limit/rate-limiter';
import { runScheduledJob } from './scheduling/scheduled-job';

/** The cross-cutting pieces' own clean-up: expired idempotency keys and rate-limit windows (idempotent: any replica). */
@Injectable()
export class CommonJobs {
  private readonly logger = new Logger('CommonJobs');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly idempotency: IdempotencyRepository,
    private readonly rateLimiter: RateLimiter,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async hourly(): Promise<void> {
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'expired idempotency keys', () => this.idempotency.purgeExpired());
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'expired rate-limit windows', () => this.rateLimiter.purgeExpired());
  }
}

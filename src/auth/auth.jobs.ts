import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { runScheduledJob } from '../common/scheduling/scheduled-job';
import { AppConfig } from '../config/app-config';
import { AuthSessionRepository } from './auth-session.repository';

/** Days an ended session is kept (for the record of who was signed in when) before it is purged. */
export const ENDED_SESSION_RETENTION_DAYS = 30;

/** The auth feature's scheduled job: purge sessions that ended a while ago (idempotent: any replica). */
@Injectable()
export class AuthJobs {
  private readonly logger = new Logger('AuthJobs');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly sessions: AuthSessionRepository,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async hourly(): Promise<void> {
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'ended sessions', () => this.sessions.purgeEnded(ENDED_SESSION_RETENTION_DAYS));
  }
}

import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuditTrail, SYSTEM_CONTEXT } from '../audit/audit-trail.service';
import { runScheduledJob } from '../common/scheduling/scheduled-job';
import { AppConfig } from '../config/app-config';
import { Locks } from '../database/locks';
import { UsersService } from './users.service';

export const INACTIVE_DAYS = 90;
export const INACTIVE_ACCOUNTS_LOCK = 'casefile:users:inactive-accounts';

/** The users feature's scheduled job: accounts unused for 90 days are disabled (one replica at a time). */
@Injectable()
export class UsersJobs {
  private readonly logger = new Logger('UsersJobs');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly users: UsersService,
    private readonly locks: Locks,
    private readonly audit: AuditTrail,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async hourly(): Promise<void> {
    await runScheduledJob(this.logger, this.config.schedulerEnabled, 'inactive accounts', async () => {
      const disabled = await this.disableInactiveAccounts();
      if (disabled && disabled.length > 0) this.logger.log(`disabled ${disabled.length} account(s) unused for ${INACTIVE_DAYS} days`);
    });
  }

  /** Disables every enabled account not seen for 90 days. Their ids, or undefined when another replica runs it. */
  async disableInactiveAccounts(): Promise<string[] | undefined> {
    return this.audit.transaction(SYSTEM_CONTEXT, { action: 'user.inactive-accounts', resourceType: 'user' }, async (tx, change) => {
      if (!(await this.locks.tryLock(tx, INACTIVE_ACCOUNTS_LOCK))) {
        change.set({ details: { skipped: 'another replica runs it' } });
        return undefined;
      }
      const disabled = await this.users.disableInactive(tx, change, INACTIVE_DAYS);
      change.set({ details: { disabled: disabled.length } });
      return disabled;
    });
  }
}

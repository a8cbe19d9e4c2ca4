import { Inject, Injectable, Logger } from '@nestjs/common';
import { Cron, CronExpression } from '@nestjs/schedule';
import { AuditTrail, SYSTEM_CONTEXT } from '../audit/audit-trail.service';
import { IdempotencyRepository } from '../common/idempotency/idempotency.repository';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AuthSessionRepository } from './auth-session.repository';

export const INACTIVE_DAYS = 90;
const HOUSEKEEPING_LOCK = 'casefile:housekeeping';

/**
 * Scheduled jobs that must run once across replicas: each takes a PostgreSQL advisory lock for its
 * transaction, so a second replica finds it taken and skips.
 */
@Injectable()
export class HousekeepingService {
  private readonly logger = new Logger('Housekeeping');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly sessions: AuthSessionRepository,
    private readonly idempotency: IdempotencyRepository,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditTrail,
  ) {}

  @Cron(CronExpression.EVERY_HOUR)
  async hourly(): Promise<void> {
    if (!this.config.schedulerEnabled) return;
    try {
      const disabled = await this.disableInactiveAccounts();
      if (disabled !== undefined && disabled.length > 0) this.logger.log(`disabled ${disabled.length} account(s) unused for ${INACTIVE_DAYS} days`);
      await this.idempotency.purgeExpired();
      await this.rateLimiter.purgeExpired();
      await this.sessions.purgeEnded(30);
    } catch (e) {
      this.logger.error(`housekeeping failed: ${e instanceof Error ? e.message : String(e)}`);
    }
  }

  /**
   * Disables every enabled account not seen for 90 days. Returns their ids, or undefined when another
   * replica holds the job's lock.
   */
  async disableInactiveAccounts(): Promise<string[] | undefined> {
    return this.audit.transaction(SYSTEM_CONTEXT, { action: 'housekeeping.inactive-accounts', resourceType: 'user' }, async (tx, audit) => {
      const [{ locked }] = await tx.query<{ locked: boolean }[]>('SELECT pg_try_advisory_xact_lock(hashtext($1)) AS locked', [HOUSEKEEPING_LOCK]);
      if (!locked) {
        audit.record({ action: 'housekeeping.inactive-accounts', outcome: 'success', details: { skipped: 'another replica runs it' } });
        return undefined;
      }
      const inactive = await this.users.findInactive(tx, INACTIVE_DAYS);
      for (const user of inactive) await this.usersService.disableInTransaction(tx, audit, user, `unused for ${INACTIVE_DAYS} days`);
      audit.record({ action: 'housekeeping.inactive-accounts', details: { disabled: inactive.length } });
      return inactive.map((u) => u.id);
    });
  }
}

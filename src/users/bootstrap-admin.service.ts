import { Inject, Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { randomBytes } from 'node:crypto';
import { AuditTrail, SYSTEM_CONTEXT } from '../audit/audit-trail.service';
import { AppConfig } from '../config/app-config';
import { newId } from '../database/ids';
import { Locks } from '../database/locks';
import { PasswordHasher } from './password-hasher';
import { passwordProblem } from './password-policy';
import { UsersRepository } from './users.repository';

const BOOTSTRAP_LOCK = 'casefile:bootstrap-admin';

/**
 * First run: when no user exists, creates `admin` with BOOTSTRAP_ADMIN_PASSWORD, or with a random password
 * printed once to the console (never a fixed default). Replicas starting together take turns on a lock.
 */
@Injectable()
export class BootstrapAdminService implements OnApplicationBootstrap {
  private readonly logger = new Logger('FirstRun');

  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditTrail,
    private readonly locks: Locks,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    if ((await this.users.count()) > 0) return;
    const given = this.config.bootstrapAdminPassword;
    const weakness = given ? passwordProblem(given, 'admin', ['Administrator']) : null;
    if (weakness) throw new Error(`BOOTSTRAP_ADMIN_PASSWORD is refused: it ${weakness}`);
    const password = given ?? randomBytes(18).toString('base64url');
    const passwordHash = await this.hasher.hash(password);
    const id = newId();
    const created = await this.audit.transaction(SYSTEM_CONTEXT, { action: 'user.bootstrap', resourceType: 'user' }, async (tx, change) => {
      await this.locks.lock(tx, BOOTSTRAP_LOCK);
      if ((await this.users.count(tx)) > 0) {
        change.set({ action: 'user.bootstrap.skipped', details: { reason: 'users exist' } });
        return false;
      }
      change.set({ resourceId: id, before: null, after: { username: 'admin', roles: ['admin'] } });
      await this.users.insert(tx, { id, username: 'admin', displayName: 'Administrator', passwordHash, roles: ['admin'] });
      return true;
    });
    if (!created) return;
    if (given) {
      this.logger.log('created the first account "admin" with BOOTSTRAP_ADMIN_PASSWORD');
    } else {
      // Printed once, to the console only (not the JSON log stream), as DESIGN.md §1 asks.
      process.stdout.write(
        `\n  First run: created the account "admin" with the password\n\n      ${password}\n\n  It is shown only this once. Sign in and change it (POST /api/v1/auth/password).\n\n`,
      );
      this.logger.warn('created the first account "admin" with a random password (printed once to the console)');
    }
  }
}

import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { UserEntity } from './user.entity';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;

/**
 * The only way to app_user. (TypeORM answers a bare UPDATE … RETURNING with [rows, count]; wrapping it in a
 * CTE makes it a SELECT, so the rows come back plainly.)
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly dataSource: DataSource) {}

  private repo(manager?: EntityManager) {
    return (manager ?? this.dataSource.manager).getRepository(UserEntity);
  }

  findById(id: string, manager?: EntityManager): Promise<UserEntity | null> {
    return this.repo(manager).findOne({ where: { id } });
  }

  /** Reads the row under FOR UPDATE, inside the caller's transaction. */
  findByIdForUpdate(manager: EntityManager, id: string): Promise<UserEntity | null> {
    return this.repo(manager).findOne({ where: { id }, lock: { mode: 'pessimistic_write' } });
  }

  findByUsername(username: string): Promise<UserEntity | null> {
    return this.repo().findOne({ where: { username } });
  }

  async list(afterUsername: string | undefined, limit: number): Promise<UserEntity[]> {
    const qb = this.repo().createQueryBuilder('u').orderBy('u.username', 'ASC').limit(limit);
    if (afterUsername !== undefined) qb.where('u.username > :after', { after: afterUsername });
    return qb.getMany();
  }

  async count(manager?: EntityManager): Promise<number> {
    return this.repo(manager).count();
  }

  insert(manager: EntityManager, user: UserEntity): Promise<UserEntity> {
    return this.repo(manager).save(user);
  }

  save(manager: EntityManager, user: UserEntity): Promise<UserEntity> {
    return this.repo(manager).save(user);
  }

  /** One more failed sign-in; locks the account at the threshold. Returns the new state. */
  async recordLoginFailure(id: string): Promise<{ failedLoginCount: number; lockedNow: boolean }> {
    const rows: { failed_login_count: number; locked_now: boolean }[] = await this.dataSource.query(
      `WITH changed AS (
         UPDATE app_user SET failed_login_count = failed_login_count + 1,
                locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
          WHERE id = $1
          RETURNING failed_login_count)
       SELECT failed_login_count, failed_login_count = $2 AS locked_now FROM changed`,
      [id, LOCKOUT_THRESHOLD, LOCKOUT_MINUTES],
    );
    return { failedLoginCount: rows[0]?.failed_login_count ?? 0, lockedNow: rows[0]?.locked_now ?? false };
  }

  async recordLoginSuccess(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE app_user SET failed_login_count = 0, locked_until = NULL, last_login_at = now(), last_seen_at = now() WHERE id = $1`, [id]);
  }

  async touchLastSeen(manager: EntityManager, id: string): Promise<void> {
    await manager.query(`UPDATE app_user SET last_seen_at = now() WHERE id = $1`, [id]);
  }

  /**
   * Accepts a TOTP time step once: succeeds only when it is later than the last one accepted. Atomic, so
   * two requests with the same code cannot both pass.
   */
  async acceptTotpStep(id: string, step: number): Promise<boolean> {
    const rows: unknown[] = await this.dataSource.query(
      `WITH accepted AS (UPDATE app_user SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING 1)
       SELECT * FROM accepted`,
      [id, step],
    );
    return rows.length === 1;
  }

  /** Accounts enabled but not seen for `days`: the inactivity job disables them. */
  async findInactive(manager: EntityManager, days: number): Promise<UserEntity[]> {
    return this.repo(manager)
      .createQueryBuilder('u')
      .setLock('pessimistic_write')
      .where('u.disabled_at IS NULL')
      .andWhere(`u.last_seen_at < now() - make_interval(days => :days)`, { days })
      .getMany();
  }
}

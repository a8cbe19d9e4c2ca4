import { Injectable } from '@nestjs/common';
import type { Role } from '../access/request-context';
import { Database, Tx } from '../database/database';
import { UsernameTakenError } from './users.errors';

export const LOCKOUT_THRESHOLD = 5;
export const LOCKOUT_MINUTES = 15;

/** A staff account as admins see it: never a hash or a secret. */
export interface UserAccount {
  id: string;
  username: string;
  displayName: string;
  roles: Role[];
  disabledAt: Date | null;
  lockedUntil: Date | null;
  mfaEnabled: boolean;
  lastLoginAt: Date | null;
  createdAt: Date;
  version: number;
}

/** What sign-in needs of an account: read only by the sign-in paths. */
export interface UserCredentials {
  id: string;
  username: string;
  roles: Role[];
  passwordHash: string;
  disabledAt: Date | null;
  lockedUntil: Date | null;
  /** Encrypted (FieldEncryption) TOTP secret once confirmed, and the one offered by an unconfirmed enrolment. */
  totpSecret: string | null;
  totpPendingSecret: string | null;
  mfaEnabled: boolean;
}

/** The columns an admin's change may set. */
export interface UserPatch {
  displayName?: string;
  roles?: Role[];
  disabledAt?: Date | null;
  disabledReason?: string | null;
  lockedUntil?: Date | null;
  failedLoginCount?: number;
  lastSeenAt?: Date;
  /** Ends every session of the account for good (they stay over if it is enabled again). */
  endSessions?: true;
}

const PATCH_COLUMNS: Record<keyof UserPatch, string> = {
  displayName: 'display_name',
  roles: 'roles',
  disabledAt: 'disabled_at',
  disabledReason: 'disabled_reason',
  lockedUntil: 'locked_until',
  failedLoginCount: 'failed_login_count',
  lastSeenAt: 'last_seen_at',
  endSessions: 'sessions_valid_from',
};

const ACCOUNT = `id, username::text AS username, display_name AS "displayName", roles, disabled_at AS "disabledAt", locked_until AS "lockedUntil",
  (totp_enabled_at IS NOT NULL) AS "mfaEnabled", last_login_at AS "lastLoginAt", created_at AS "createdAt", version`;

const CREDENTIALS = `id, username::text AS username, roles, password_hash AS "passwordHash", disabled_at AS "disabledAt", locked_until AS "lockedUntil",
  totp_secret AS "totpSecret", totp_pending_secret AS "totpPendingSecret", (totp_enabled_at IS NOT NULL) AS "mfaEnabled"`;

/**
 * The only way to app_user: explicit columns (a list never reads a hash or a secret), one prepared
 * `INSERT|UPDATE … RETURNING` per write.
 */
@Injectable()
export class UsersRepository {
  constructor(private readonly database: Database) {}

  async insert(tx: Tx, user: { id: string; username: string; displayName: string; passwordHash: string; roles: Role[] }): Promise<UserAccount> {
    const [row] = await this.database.write<UserAccount>(tx, {
      name: 'users-insert',
      text: `INSERT INTO app_user (id, username, display_name, password_hash, roles) VALUES ($1, $2, $3, $4, $5) RETURNING ${ACCOUNT}`,
      values: [user.id, user.username, user.displayName, user.passwordHash, user.roles],
      constraints: { uq_app_user_username: () => new UsernameTakenError(user.username) },
    });
    return row;
  }

  async findAccount(id: string, tx?: Tx): Promise<UserAccount | undefined> {
    const [row] = await this.database.query<UserAccount>({ name: 'users-find-account', text: `SELECT ${ACCOUNT} FROM app_user WHERE id = $1`, values: [id] }, tx);
    return row;
  }

  /** Reads the row under FOR UPDATE, inside the caller's transaction. */
  async lockAccount(tx: Tx, id: string): Promise<UserAccount | undefined> {
    const [row] = await this.database.query<UserAccount>({ name: 'users-lock-account', text: `SELECT ${ACCOUNT} FROM app_user WHERE id = $1 FOR UPDATE`, values: [id] }, tx);
    return row;
  }

  async list(afterUsername: string | undefined, limit: number): Promise<UserAccount[]> {
    return this.database.query<UserAccount>({
      name: 'users-list',
      text: `SELECT ${ACCOUNT} FROM app_user WHERE ($1::citext IS NULL OR username > $1::citext) ORDER BY username LIMIT $2`,
      values: [afterUsername ?? null, limit],
    });
  }

  async count(tx?: Tx): Promise<number> {
    const [row] = await this.database.query<{ n: number }>({ text: 'SELECT count(*)::int AS n FROM app_user' }, tx);
    return row.n;
  }

  /** Enabled accounts holding roles that separation of duties forbids together (pairs of `[a, b]`). */
  async countIncompatibleRoles(pairs: readonly (readonly [Role, Role])[]): Promise<number> {
    const [row] = await this.database.query<{ n: number }>({
      name: 'users-count-incompatible-roles',
      text: `SELECT count(*)::int AS n FROM app_user u
              WHERE u.disabled_at IS NULL
                AND EXISTS (SELECT 1 FROM unnest($1::text[], $2::text[]) AS p(a, b) WHERE p.a = ANY(u.roles) AND p.b = ANY(u.roles))`,
      values: [pairs.map((p) => p[0]), pairs.map((p) => p[1])],
    });
    return row?.n ?? 0;
  }

  /** Applies an admin's change and bumps the version. */
  async update(tx: Tx, id: string, patch: UserPatch): Promise<UserAccount> {
    const keys = (Object.keys(patch) as (keyof UserPatch)[]).filter((k) => patch[k] !== undefined).sort();
    const valued = keys.filter((k) => k !== 'endSessions');
    const sets = [...valued.map((k, i) => `${PATCH_COLUMNS[k]} = $${i + 2}`), ...(patch.endSessions ? ['sessions_valid_from = now()'] : [])];
    const [row] = await this.database.write<UserAccount>(tx, {
      name: `users-update:${keys.join(',')}`,
      text: `UPDATE app_user SET ${[...sets, 'version = version + 1', 'updated_at = now()'].join(', ')} WHERE id = $1 RETURNING ${ACCOUNT}`,
      values: [id, ...valued.map((k) => patch[k])],
    });
    return row;
  }

  /** Accounts enabled but not seen for `days`, locked for the inactivity job. */
  async lockInactive(tx: Tx, days: number): Promise<UserAccount[]> {
    return this.database.query<UserAccount>(
      { name: 'users-lock-inactive', text: `SELECT ${ACCOUNT} FROM app_user WHERE disabled_at IS NULL AND last_seen_at < now() - make_interval(days => $1) FOR UPDATE`, values: [days] },
      tx,
    );
  }

  // ---- sign-in ----

  async findCredentialsByUsername(username: string): Promise<UserCredentials | undefined> {
    const [row] = await this.database.query<UserCredentials>({ name: 'users-credentials-by-name', text: `SELECT ${CREDENTIALS} FROM app_user WHERE username = $1::citext`, values: [username] });
    return row;
  }

  async findCredentials(id: string): Promise<UserCredentials | undefined> {
    const [row] = await this.database.query<UserCredentials>({ name: 'users-credentials', text: `SELECT ${CREDENTIALS} FROM app_user WHERE id = $1`, values: [id] });
    return row;
  }

  /** One more failed sign-in; locks the account at the threshold. Returns the new state. */
  async recordLoginFailure(id: string): Promise<{ failedLoginCount: number; lockedNow: boolean }> {
    const [row] = await this.database.query<{ failed_login_count: number; locked_now: boolean }>({
      name: 'users-login-failure',
      text: `WITH changed AS (
               UPDATE app_user SET failed_login_count = failed_login_count + 1,
                      locked_until = CASE WHEN failed_login_count + 1 >= $2 THEN now() + make_interval(mins => $3) ELSE locked_until END
                WHERE id = $1
                RETURNING failed_login_count)
             SELECT failed_login_count, failed_login_count = $2 AS locked_now FROM changed`,
      values: [id, LOCKOUT_THRESHOLD, LOCKOUT_MINUTES],
    });
    return { failedLoginCount: row?.failed_login_count ?? 0, lockedNow: row?.locked_now ?? false };
  }

  async recordLoginSuccess(tx: Tx, id: string): Promise<void> {
    await this.database.write(tx, {
      name: 'users-login-success',
      text: `UPDATE app_user SET failed_login_count = 0, locked_until = NULL, last_login_at = now(), last_seen_at = now() WHERE id = $1 RETURNING id`,
      values: [id],
    });
  }

  async touchLastSeen(tx: Tx, id: string): Promise<void> {
    await this.database.write(tx, { name: 'users-touch-last-seen', text: `UPDATE app_user SET last_seen_at = now() WHERE id = $1 RETURNING id`, values: [id] });
  }

  async setPassword(tx: Tx, id: string, passwordHash: string): Promise<void> {
    await this.database.write(tx, {
      name: 'users-set-password',
      text: 'UPDATE app_user SET password_hash = $2, password_changed_at = now(), version = version + 1, updated_at = now() WHERE id = $1 RETURNING id',
      values: [id, passwordHash],
    });
  }

  async setPendingTotpSecret(tx: Tx, id: string, encryptedSecret: string): Promise<void> {
    await this.database.write(tx, { name: 'users-set-pending-totp', text: 'UPDATE app_user SET totp_pending_secret = $2 WHERE id = $1 RETURNING id', values: [id, encryptedSecret] });
  }

  /** The pending secret becomes the factor; `step` is the time step of the code that confirmed it. */
  async confirmTotp(tx: Tx, id: string, step: number): Promise<void> {
    await this.database.write(tx, {
      name: 'users-confirm-totp',
      text: `UPDATE app_user SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = now(), totp_last_step = $2, version = version + 1, updated_at = now()
              WHERE id = $1 RETURNING id`,
      values: [id, step],
    });
  }

  async removeTotp(tx: Tx, id: string): Promise<void> {
    await this.database.write(tx, {
      name: 'users-remove-totp',
      text: `UPDATE app_user SET totp_secret = NULL, totp_pending_secret = NULL, totp_enabled_at = NULL, version = version + 1, updated_at = now() WHERE id = $1 RETURNING id`,
      values: [id],
    });
  }

  /**
   * Accepts a TOTP time step once: succeeds only when it is later than the last one accepted. Atomic, so
   * two requests with the same code cannot both pass.
   */
  async acceptTotpStep(id: string, step: number): Promise<boolean> {
    const rows = await this.database.query({
      name: 'users-accept-totp-step',
      text: `UPDATE app_user SET totp_last_step = $2 WHERE id = $1 AND (totp_last_step IS NULL OR totp_last_step < $2) RETURNING 1`,
      values: [id, step],
    });
    return rows.length === 1;
  }
}

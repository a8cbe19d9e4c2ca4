import { Injectable } from '@nestjs/common';
import { DataSource, EntityManager } from 'typeorm';
import { pgPool } from '../database/pg-pool';
import type { Role } from '../access/request-context';

export const SESSION_IDLE_MINUTES = 30;
export const SESSION_MAX_HOURS = 12;

export interface ActiveSession {
  userId: string;
  username: string;
  displayName: string;
  roles: Role[];
  mfaEnrolled: boolean;
  /** The session was last marked used over a minute ago: mark it again. */
  stale: boolean;
}

/** The only way to auth_session and refresh_token. */
@Injectable()
export class AuthSessionRepository {
  constructor(private readonly dataSource: DataSource) {}

  /**
   * The per-request check: one indexed query that the session is live (not revoked, not idle, not past its
   * 12 hours) and its user enabled; roles are read here, so a change takes effect on the next request.
   */
  async findActive(sessionId: string, userId: string): Promise<ActiveSession | undefined> {
    // A named (prepared) statement on the pg pool: parsed and planned once per connection, not per request.
    const { rows } = await pgPool(this.dataSource).query<ActiveSession>({
      name: 'casefile-session-check',
      text: `SELECT u.id AS "userId", u.username, u.display_name AS "displayName", u.roles, (u.totp_enabled_at IS NOT NULL) AS "mfaEnrolled",
              (s.last_used_at < now() - interval '60 seconds') AS stale
         FROM auth_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND s.revoked_at IS NULL AND s.expires_at > now()
          AND s.last_used_at > now() - make_interval(mins => $3) AND u.disabled_at IS NULL`,
      values: [sessionId, userId, SESSION_IDLE_MINUTES],
    });
    return rows[0];
  }

  async touch(sessionId: string): Promise<void> {
    await this.dataSource.query('UPDATE auth_session SET last_used_at = now() WHERE id = $1 AND revoked_at IS NULL', [sessionId]);
  }

  async create(manager: EntityManager, session: { id: string; userId: string; userAgent: string | null }, refreshTokenHash: string): Promise<void> {
    await manager.query(
      `INSERT INTO auth_session (id, user_id, expires_at, user_agent) VALUES ($1, $2, now() + make_interval(hours => $3), $4)`,
      [session.id, session.userId, SESSION_MAX_HOURS, session.userAgent],
    );
    await manager.query('INSERT INTO refresh_token (token_hash, session_id) VALUES ($1, $2)', [refreshTokenHash, session.id]);
  }

  /**
   * Locks a refresh token and its session for rotation. `reused` when the token was already rotated;
   * `live` when its session may still be used.
   */
  async lockRefreshToken(manager: EntityManager, tokenHash: string): Promise<{ sessionId: string; userId: string; reused: boolean; live: boolean } | undefined> {
    const rows: { sessionId: string; userId: string; reused: boolean; live: boolean }[] = await manager.query(
      `SELECT s.id AS "sessionId", s.user_id AS "userId", (t.used_at IS NOT NULL) AS reused,
              (s.revoked_at IS NULL AND s.expires_at > now() AND s.last_used_at > now() - make_interval(mins => $2) AND u.disabled_at IS NULL) AS live
         FROM refresh_token t JOIN auth_session s ON s.id = t.session_id JOIN app_user u ON u.id = s.user_id
        WHERE t.token_hash = $1
          FOR UPDATE OF t, s`,
      [tokenHash, SESSION_IDLE_MINUTES],
    );
    return rows[0];
  }

  async rotate(manager: EntityManager, oldHash: string, newHash: string, sessionId: string): Promise<void> {
    await manager.query('UPDATE refresh_token SET used_at = now() WHERE token_hash = $1', [oldHash]);
    await manager.query('INSERT INTO refresh_token (token_hash, session_id) VALUES ($1, $2)', [newHash, sessionId]);
    await manager.query('UPDATE auth_session SET last_used_at = now() WHERE id = $1', [sessionId]);
  }

  async revoke(manager: EntityManager, sessionId: string, reason: string): Promise<boolean> {
    const rows: unknown[] = await manager.query(
      `WITH revoked AS (UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING 1) SELECT * FROM revoked`,
      [sessionId, reason],
    );
    return rows.length > 0;
  }

  /** Ends every session of a user, except one (the caller's own, on a password change). */
  async revokeAllOfUser(manager: EntityManager, userId: string, reason: string, exceptSessionId?: string): Promise<number> {
    const rows: unknown[] = await manager.query(
      `WITH revoked AS (
         UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3) RETURNING 1)
       SELECT * FROM revoked`,
      [userId, reason, exceptSessionId ?? null],
    );
    return rows.length;
  }

  async purgeEnded(olderThanDays: number): Promise<void> {
    await this.dataSource.query(`DELETE FROM auth_session WHERE (revoked_at IS NOT NULL OR expires_at < now()) AND created_at < now() - make_interval(days => $1)`, [olderThanDays]);
  }
}

import { Injectable } from '@nestjs/common';
import type { Role } from '../access/request-context';
import { Database, Tx } from '../database/database';

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

/**
 * A session is live when it is not revoked, not idle for 30 minutes, not past its 12 hours, its user is
 * enabled, and it began after the user was last disabled (re-enabling an account never revives a session).
 */
const LIVE = `s.revoked_at IS NULL AND s.expires_at > now() AND s.last_used_at > now() - make_interval(mins => ${SESSION_IDLE_MINUTES})
  AND u.disabled_at IS NULL AND (u.sessions_valid_from IS NULL OR s.created_at > u.sessions_valid_from)`;

/** The only way to auth_session and refresh_token. */
@Injectable()
export class AuthSessionRepository {
  constructor(private readonly database: Database) {}

  /**
   * The per-request check: one prepared, indexed query that the session is live and its user enabled;
   * roles are read here, so a change takes effect on the next request.
   */
  async findActive(sessionId: string, userId: string): Promise<ActiveSession | undefined> {
    const [row] = await this.database.query<ActiveSession>({
      name: 'sessions-check',
      text: `SELECT u.id AS "userId", u.username::text AS username, u.display_name AS "displayName", u.roles, (u.totp_enabled_at IS NOT NULL) AS "mfaEnrolled",
              (s.last_used_at < now() - interval '60 seconds') AS stale
         FROM auth_session s JOIN app_user u ON u.id = s.user_id
        WHERE s.id = $1 AND s.user_id = $2 AND ${LIVE}`,
      values: [sessionId, userId],
    });
    return row;
  }

  async touch(sessionId: string): Promise<void> {
    await this.database.query({ name: 'sessions-touch', text: 'UPDATE auth_session SET last_used_at = now() WHERE id = $1 AND revoked_at IS NULL', values: [sessionId] });
  }

  /** A new session and its first refresh token, in one statement. */
  async create(tx: Tx, session: { id: string; userId: string; userAgent: string | null }, refreshTokenHash: string): Promise<void> {
    await this.database.write(tx, {
      name: 'sessions-create',
      text: `WITH s AS (INSERT INTO auth_session (id, user_id, expires_at, user_agent) VALUES ($1, $2, now() + make_interval(hours => $3), $4) RETURNING id)
             INSERT INTO refresh_token (token_hash, session_id) SELECT $5, id FROM s RETURNING session_id`,
      values: [session.id, session.userId, SESSION_MAX_HOURS, session.userAgent, refreshTokenHash],
    });
  }

  /**
   * Locks a refresh token and its session for rotation. `reused` when the token was already rotated;
   * `live` when its session may still be used.
   */
  async lockRefreshToken(tx: Tx, tokenHash: string): Promise<{ sessionId: string; userId: string; reused: boolean; live: boolean } | undefined> {
    const [row] = await this.database.query<{ sessionId: string; userId: string; reused: boolean; live: boolean }>(
      {
        name: 'sessions-lock-refresh',
        text: `SELECT s.id AS "sessionId", s.user_id AS "userId", (t.used_at IS NOT NULL) AS reused, (${LIVE}) AS live
                 FROM refresh_token t JOIN auth_session s ON s.id = t.session_id JOIN app_user u ON u.id = s.user_id
                WHERE t.token_hash = $1
                  FOR UPDATE OF t, s`,
        values: [tokenHash],
      },
      tx,
    );
    return row;
  }

  /** Marks the old refresh token used, adds the new one and marks the session used: one statement. */
  async rotate(tx: Tx, oldHash: string, newHash: string, sessionId: string): Promise<void> {
    await this.database.write(tx, {
      name: 'sessions-rotate',
      text: `WITH used AS (UPDATE refresh_token SET used_at = now() WHERE token_hash = $1 RETURNING 1),
                  touched AS (UPDATE auth_session SET last_used_at = now() WHERE id = $3 RETURNING 1)
             INSERT INTO refresh_token (token_hash, session_id) VALUES ($2, $3) RETURNING session_id`,
      values: [oldHash, newHash, sessionId],
    });
  }

  async revoke(tx: Tx, sessionId: string, reason: string): Promise<boolean> {
    const rows = await this.database.write(tx, {
      name: 'sessions-revoke',
      text: `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE id = $1 AND revoked_at IS NULL RETURNING 1`,
      values: [sessionId, reason],
    });
    return rows.length > 0;
  }

  /** Ends every session of a user, except one (the caller's own, on a password or factor change). */
  async revokeAllOfUser(tx: Tx, userId: string, reason: string, exceptSessionId?: string): Promise<number> {
    const rows = await this.database.write(tx, {
      name: 'sessions-revoke-all',
      text: `UPDATE auth_session SET revoked_at = now(), revoked_reason = $2 WHERE user_id = $1 AND revoked_at IS NULL AND ($3::uuid IS NULL OR id <> $3) RETURNING 1`,
      values: [userId, reason, exceptSessionId ?? null],
    });
    return rows.length;
  }

  async purgeEnded(olderThanDays: number): Promise<number> {
    const rows = await this.database.query({
      text: `DELETE FROM auth_session WHERE (revoked_at IS NOT NULL OR expires_at < now()) AND created_at < now() - make_interval(days => $1) RETURNING 1`,
      values: [olderThanDays],
    });
    return rows.length;
  }
}

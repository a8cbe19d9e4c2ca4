import { Inject, Injectable } from '@nestjs/common';
import { AuditTrail } from '../audit/audit-trail.service';
import { FIELD_ENCRYPTION, FieldEncryption, keyedHash } from '../common/crypto/field-encryption';
import { RuleViolationError } from '../common/errors/domain.error';
import { RateLimiter } from '../common/rate-limit/rate-limiter';
import { Principal, RequestContext } from '../access/request-context';
import { AppConfig } from '../config/app-config';
import { newId } from '../database/ids';
import { PasswordHasher } from '../users/password-hasher';
import { UserEntity } from '../users/user.entity';
import { UsersRepository } from '../users/users.repository';
import { UsersService } from '../users/users.service';
import { AuthSessionRepository } from './auth-session.repository';
import { InvalidCredentialsError, InvalidMfaCodeError, InvalidTokenError } from './auth.errors';
import { ChangePasswordDto, MeResponseDto, MfaChallengeResponseDto, MfaEnrolmentResponseDto, TokenResponseDto } from './dto/auth.dto';
import { ROLE_PERMISSIONS } from '../access/permissions';
import { TokenService } from './token.service';
import { totp } from './totp';

/** Wrong second-factor codes allowed per user in MFA_WINDOW_SECONDS (6 digits must not be brute-forced). */
export const MFA_ATTEMPTS = 5;
export const MFA_WINDOW_SECONDS = 300;

/** Sign-in, second factor, sessions and their tokens. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(FIELD_ENCRYPTION) private readonly encryption: FieldEncryption,
    private readonly users: UsersRepository,
    private readonly usersService: UsersService,
    private readonly sessions: AuthSessionRepository,
    private readonly hasher: PasswordHasher,
    private readonly tokens: TokenService,
    private readonly rateLimiter: RateLimiter,
    private readonly audit: AuditTrail,
  ) {}

  /**
   * Checks a username and password (passport-local calls this). Every path costs one argon2 verification,
   * and every refusal is the same 401, so neither status, body nor timing tells whether the user exists.
   */
  async validateLogin(username: string, password: string, ctx: RequestContext): Promise<UserEntity> {
    const { perIp, perUsername, windowSeconds } = this.config.loginRateLimit;
    await this.rateLimiter.hit(
      [
        { bucket: `login:ip:${ctx.ip}`, limit: perIp, windowSeconds },
        { bucket: `login:user:${keyedHash(this.config.secrets.hmacKey, username.toLowerCase())}`, limit: perUsername, windowSeconds },
      ],
      'sign-in attempts',
    );
    const user = await this.users.findByUsername(username);
    const fail = async (reason: string, actorId: string | null): Promise<never> => {
      await this.audit.record(ctx, { action: 'auth.login.failed', outcome: 'denied', resourceType: 'user', resourceId: actorId ?? undefined, actor: { kind: actorId ? 'user' : 'anonymous', id: actorId, roles: [] }, details: { username, reason } });
      throw new InvalidCredentialsError();
    };
    if (!user) {
      await this.hasher.verifyDummy(password);
      return fail('unknown user', null);
    }
    const ok = await this.hasher.verify(user.passwordHash, password);
    if (user.disabledAt) return fail('account disabled', user.id);
    if (user.lockedUntil && user.lockedUntil.getTime() > Date.now()) return fail('account locked', user.id);
    if (!ok) {
      const { lockedNow, failedLoginCount } = await this.users.recordLoginFailure(user.id);
      if (lockedNow) {
        await this.audit.record(ctx, { action: 'auth.lockout', outcome: 'denied', resourceType: 'user', resourceId: user.id, actor: { kind: 'user', id: user.id, roles: user.roles }, details: { failedLoginCount } });
      }
      return fail('wrong password', user.id);
    }
    return user;
  }

  /** After a good password: tokens, or a challenge when the user has a second factor. */
  async completeLogin(user: UserEntity, ctx: RequestContext): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    if (user.totpEnabledAt) {
      await this.audit.record(ctx, { action: 'auth.login.mfa_challenge', resourceType: 'user', resourceId: user.id, actor: { kind: 'user', id: user.id, roles: user.roles } });
      return { mfaRequired: true, challengeToken: this.tokens.challengeToken(user.id) };
    }
    return this.startSession(user, ctx, 'auth.login.success');
  }

  async verifyMfa(challengeToken: string, code: string, ctx: RequestContext): Promise<TokenResponseDto> {
    const userId = this.tokens.verifyChallenge(challengeToken);
    await this.rateLimiter.hit([{ bucket: `mfa:user:${userId}`, limit: MFA_ATTEMPTS, windowSeconds: MFA_WINDOW_SECONDS }], 'second-factor attempts');
    const user = await this.users.findById(userId);
    const actor = { kind: 'user' as const, id: userId, roles: user?.roles ?? [] };
    const step = user?.totpSecret && !user.disabledAt ? totp.verify(this.encryption.decrypt(user.totpSecret, `totp:${user.id}`), code) : null;
    if (!user || step === null || !(await this.users.acceptTotpStep(user.id, step))) {
      await this.audit.record(ctx, { action: 'auth.mfa.failed', outcome: 'denied', resourceType: 'user', resourceId: userId, actor });
      throw new InvalidMfaCodeError();
    }
    return this.startSession(user, ctx, 'auth.login.success', { mfa: true });
  }

  private async startSession(user: UserEntity, ctx: RequestContext, action: string, details?: Record<string, unknown>): Promise<TokenResponseDto> {
    const sessionId = newId();
    const refresh = this.tokens.newRefreshToken();
    const actorCtx: RequestContext = { ...ctx, principal: { kind: 'user', id: user.id, roles: user.roles, sessionId } };
    await this.audit.transaction(actorCtx, { action, resourceType: 'session', resourceId: sessionId }, async (tx, audit) => {
      await this.sessions.create(tx, { id: sessionId, userId: user.id, userAgent: ctx.userAgent ?? null }, refresh.hash);
      await this.users.recordLoginSuccess(tx, user.id);
      audit.record({ action, resourceType: 'session', resourceId: sessionId, details });
    });
    return this.tokens.tokenResponse(user.id, sessionId, refresh.token);
  }

  /** Rotates a refresh token. A token presented twice revokes its whole session (family). */
  async refresh(refreshToken: string, ctx: RequestContext): Promise<TokenResponseDto> {
    const oldHash = this.tokens.hashRefreshToken(refreshToken);
    const next = this.tokens.newRefreshToken();
    const outcome = await this.audit.transaction(ctx, { action: 'auth.refresh', resourceType: 'session' }, async (tx, audit) => {
      const found = await this.sessions.lockRefreshToken(tx, oldHash);
      if (!found) {
        audit.record({ action: 'auth.refresh.failed', outcome: 'denied', resourceType: 'session', details: { reason: 'unknown token' } });
        return undefined;
      }
      const actor = { kind: 'user' as const, id: found.userId, roles: [] };
      if (found.reused) {
        await this.sessions.revoke(tx, found.sessionId, 'refresh token reuse');
        audit.record({ action: 'auth.refresh.reuse', outcome: 'denied', resourceType: 'session', resourceId: found.sessionId, actor, details: { revoked: 'session family' } });
        return undefined;
      }
      if (!found.live) {
        audit.record({ action: 'auth.refresh.failed', outcome: 'denied', resourceType: 'session', resourceId: found.sessionId, actor, details: { reason: 'session ended' } });
        return undefined;
      }
      await this.sessions.rotate(tx, oldHash, next.hash, found.sessionId);
      await this.users.touchLastSeen(tx, found.userId);
      audit.record({ action: 'auth.refresh', resourceType: 'session', resourceId: found.sessionId, actor });
      return found;
    });
    if (!outcome) throw new InvalidTokenError('refresh token');
    return this.tokens.tokenResponse(outcome.userId, outcome.sessionId, next.token);
  }

  async logout(ctx: RequestContext): Promise<void> {
    const sessionId = ctx.principal?.sessionId;
    if (!sessionId) return;
    await this.audit.transaction(ctx, { action: 'auth.logout', resourceType: 'session', resourceId: sessionId }, async (tx, audit) => {
      await this.sessions.revoke(tx, sessionId, 'logout');
      audit.record({ action: 'auth.logout', resourceType: 'session', resourceId: sessionId });
    });
  }

  /** From the principal the guard just loaded (user and session rows, this request): no second query. */
  me(ctx: RequestContext): MeResponseDto {
    const p = ctx.principal!;
    return {
      id: p.id,
      username: p.username ?? '',
      displayName: p.displayName ?? '',
      roles: p.roles,
      permissions: [...new Set(p.roles.flatMap((r) => ROLE_PERMISSIONS[r]))].sort(),
      mfaEnabled: p.mfaEnrolled === true,
      mfaEnrolmentRequired: this.config.mfaRequired && p.mfaEnrolled !== true,
    };
  }

  /** Needs the current password; ends every other session of the user. */
  async changePassword(ctx: RequestContext, dto: ChangePasswordDto): Promise<void> {
    const principal = ctx.principal!;
    const user = await this.users.findById(principal.id);
    if (!user || !(await this.hasher.verify(user.passwordHash, dto.currentPassword))) {
      await this.audit.record(ctx, { action: 'auth.password.change', outcome: 'denied', resourceType: 'user', resourceId: principal.id, details: { reason: 'wrong current password' } });
      throw new RuleViolationError('wrong-current-password', 'The current password is not correct', [{ field: 'currentPassword', message: 'is not correct' }]);
    }
    this.usersService.assertPasswordAcceptable(dto.newPassword, user.username);
    if (await this.hasher.verify(user.passwordHash, dto.newPassword)) {
      throw new RuleViolationError('password-unchanged', 'The new password must differ from the current one', [{ field: 'newPassword', message: 'must differ from the current password' }]);
    }
    const passwordHash = await this.hasher.hash(dto.newPassword);
    await this.audit.transaction(ctx, { action: 'auth.password.change', resourceType: 'user', resourceId: user.id }, async (tx, audit) => {
      await tx.query('UPDATE app_user SET password_hash = $2, password_changed_at = now(), version = version + 1, updated_at = now() WHERE id = $1', [user.id, passwordHash]);
      const ended = await this.sessions.revokeAllOfUser(tx, user.id, 'password changed', principal.sessionId);
      audit.record({ action: 'auth.password.change', resourceType: 'user', resourceId: user.id, before: { passwordHash: 'old' }, after: { passwordHash: 'new' }, details: { otherSessionsEnded: ended } });
    });
  }

  async enrolMfa(ctx: RequestContext): Promise<MfaEnrolmentResponseDto> {
    const principal = ctx.principal!;
    const secret = totp.newSecret();
    const username = principal.username ?? principal.id;
    await this.audit.transaction(ctx, { action: 'auth.mfa.enrol', resourceType: 'user', resourceId: principal.id }, async (tx, audit) => {
      await tx.query('UPDATE app_user SET totp_pending_secret = $2 WHERE id = $1', [principal.id, this.encryption.encrypt(secret, `totp:${principal.id}`)]);
      audit.record({ action: 'auth.mfa.enrol', resourceType: 'user', resourceId: principal.id });
    });
    return { secret, otpauthUri: totp.uri(username, secret) };
  }

  async confirmMfa(ctx: RequestContext, code: string): Promise<void> {
    const principal = ctx.principal!;
    const user = await this.users.findById(principal.id);
    const step = user?.totpPendingSecret ? totp.verify(this.encryption.decrypt(user.totpPendingSecret, `totp:${user.id}`), code) : null;
    if (!user || step === null) {
      await this.audit.record(ctx, { action: 'auth.mfa.confirm', outcome: 'denied', resourceType: 'user', resourceId: principal.id });
      throw new RuleViolationError('invalid-mfa-code', user?.totpPendingSecret ? 'The code does not match the enrolled secret (check the device clock)' : 'Start enrolment first (POST /api/v1/auth/mfa/enrol)', [{ field: 'code', message: 'is not valid' }]);
    }
    await this.audit.transaction(ctx, { action: 'auth.mfa.confirm', resourceType: 'user', resourceId: user.id }, async (tx, audit) => {
      await tx.query(
        `UPDATE app_user SET totp_secret = totp_pending_secret, totp_pending_secret = NULL, totp_enabled_at = now(), totp_last_step = $2, version = version + 1 WHERE id = $1`,
        [user.id, step],
      );
      audit.record({ action: 'auth.mfa.confirm', resourceType: 'user', resourceId: user.id, before: { mfaEnabled: user.totpEnabledAt !== null }, after: { mfaEnabled: true } });
    });
  }

  /** The per-request check behind every access token. */
  async principalForSession(userId: string, sessionId: string): Promise<Principal | undefined> {
    const session = await this.sessions.findActive(sessionId, userId);
    if (!session) return undefined;
    if (session.stale) await this.sessions.touch(sessionId);
    return { kind: 'user', id: session.userId, username: session.username, displayName: session.displayName, roles: session.roles, sessionId, mfaEnrolled: session.mfaEnrolled };
  }
}

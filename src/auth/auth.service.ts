import { Inject, Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { ROLE_PERMISSIONS } from '../access/permissions';
import { AuditEventInput, AuditTrail } from '../audit/audit-trail.service';
import { FIELD_ENCRYPTION, FieldEncryption, keyedHash } from '../common/crypto/field-encryption';
import { RateLimitedError } from '../common/errors/domain.error';
import { RateLimiter, RateLimitRule } from '../common/rate-limit/rate-limiter';
import { AppConfig } from '../config/app-config';
import { newId } from '../database/ids';
import { PasswordHasher } from '../users/password-hasher';
import { UserCredentialsService } from '../users/user-credentials.service';
import { UserCredentials, UsersService } from '../users/users.service';
import './auth.audit';
import {
  AccountLockedError,
  InvalidCredentialsError,
  InvalidMfaCodeError,
  InvalidTokenError,
  MfaNotEnrolledError,
  MfaRequiredError,
  PasswordUnchangedError,
  RefusedMfaCodeError,
  WrongPasswordError,
} from './auth.errors';
import { AuthSessionRepository } from './auth-session.repository';
import {
  ChangePasswordDto,
  MeResponseDto,
  MfaChallengeResponseDto,
  MfaEnrolDto,
  MfaEnrolmentResponseDto,
  MfaRemoveDto,
  TokenResponseDto,
} from './dto/auth.dto';
import { TokenService } from './token.service';
import { totp } from './totp';

/** Wrong second-factor codes allowed per user in MFA_WINDOW_SECONDS (6 digits must not be brute-forced). */
export const MFA_ATTEMPTS = 5;
export const MFA_WINDOW_SECONDS = 300;
/**
 * Password confirmations (password change, factor change) allowed per user per window, right or wrong;
 * five wrong ones in a row also lock the account, as failed sign-ins do.
 */
export const PASSWORD_CHECKS = 10;
export const PASSWORD_CHECK_WINDOW_SECONDS = 900;

/** The signed-in user, as sign-in knows it after a good password. */
export type SignedInUser = Pick<UserCredentials, 'id' | 'roles' | 'mfaEnabled'>;

/** Sign-in, the second factor, password changes, and the tokens of a session. */
@Injectable()
export class AuthService {
  constructor(
    @Inject(AppConfig) private readonly config: AppConfig,
    @Inject(FIELD_ENCRYPTION) private readonly encryption: FieldEncryption,
    private readonly credentials: UserCredentialsService,
    private readonly users: UsersService,
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
  async validateLogin(username: string, password: string, ctx: RequestContext): Promise<SignedInUser> {
    const { perIp, perUsername, windowSeconds } = this.config.loginRateLimit;
    await this.hitAnonymousLimit(
      ctx,
      [
        { bucket: `login:ip:${ctx.ip}`, limit: perIp, windowSeconds },
        { bucket: `login:user:${keyedHash(this.config.secrets.hmacKey, username.toLowerCase())}`, limit: perUsername, windowSeconds },
      ],
      'sign-in attempts',
      { action: 'auth.login.rate_limited', resourceType: 'user', details: { username, reason: 'too many sign-in attempts', windowSeconds } },
    );
    const user = await this.credentials.byUsername(username);
    const fail = async (reason: string, actorId: string | null): Promise<never> => {
      await this.audit.record(ctx, {
        action: 'auth.login.failed',
        outcome: 'denied',
        resourceType: 'user',
        resourceId: actorId ?? undefined,
        actor: { kind: actorId ? 'user' : 'anonymous', id: actorId, roles: [] },
        details: { username, reason },
      });
      throw new InvalidCredentialsError();
    };
    if (!user) {
      await this.hasher.verifyDummy(password);
      return fail('unknown user', null);
    }
    const ok = await this.hasher.verify(user.passwordHash, password);
    if (user.disabledAt) return fail('account disabled', user.id);
    if (isLocked(user)) return fail('account locked', user.id);
    if (!ok) {
      await this.countFailure(ctx, user);
      return fail('wrong password', user.id);
    }
    return user;
  }

  /**
   * Counts an anonymous caller's attempt against `rules`; over a limit, the 429 — recorded once per window and rule
   * (the first refusal over the limit), so a flood adds one record.
   */
  private async hitAnonymousLimit(
    ctx: RequestContext,
    rules: RateLimitRule[],
    what: string,
    record: Pick<AuditEventInput, 'action' | 'resourceType' | 'details'>,
  ): Promise<void> {
    try {
      await this.rateLimiter.hit(rules, what);
    } catch (error) {
      if (error instanceof RateLimitedError && error.firstInWindow) {
        await this.audit.record(ctx, { ...record, outcome: 'denied', actor: { kind: 'anonymous', id: null, roles: [] } });
      }
      throw error;
    }
  }

  /** After a good password: tokens, or a challenge when the user has a second factor. */
  async completeLogin(user: SignedInUser, ctx: RequestContext): Promise<TokenResponseDto | MfaChallengeResponseDto> {
    if (user.mfaEnabled) {
      await this.audit.record(ctx, {
        action: 'auth.login.mfa_challenge',
        resourceType: 'user',
        resourceId: user.id,
        actor: { kind: 'user', id: user.id, roles: user.roles },
      });
      return { kind: 'mfa-challenge', mfaRequired: true, challengeToken: this.tokens.challengeToken(user.id) };
    }
    return this.startSession(user, ctx);
  }

  async verifyMfa(challengeToken: string, code: string, ctx: RequestContext): Promise<TokenResponseDto> {
    const userId = this.tokens.verifyChallenge(challengeToken);
    await this.rateLimiter.hit([{ bucket: `mfa:user:${userId}`, limit: MFA_ATTEMPTS, windowSeconds: MFA_WINDOW_SECONDS }], 'second-factor attempts');
    const user = await this.credentials.byId(userId);
    const actor = { kind: 'user' as const, id: userId, roles: user?.roles ?? [] };
    const step = user && !user.disabledAt ? this.verifyTotp(user, user.totpSecret, code) : null;
    if (!user || step === null || !(await this.credentials.acceptTotpStep(user.id, step))) {
      await this.audit.record(ctx, { action: 'auth.mfa.failed', outcome: 'denied', resourceType: 'user', resourceId: userId, actor });
      throw new InvalidMfaCodeError();
    }
    return this.startSession(user, ctx, { mfa: true });
  }

  private async startSession(user: SignedInUser, ctx: RequestContext, details?: Record<string, unknown>): Promise<TokenResponseDto> {
    const sessionId = newId();
    const refresh = this.tokens.newRefreshToken();
    const actorCtx: RequestContext = { ...ctx, principal: { kind: 'user', id: user.id, roles: user.roles, sessionId } };
    await this.audit.transaction(actorCtx, { action: 'auth.login.success', resourceType: 'session', resourceId: sessionId, details }, async (tx, change) => {
      change.set({});
      await this.sessions.create(tx, { id: sessionId, userId: user.id, userAgent: ctx.userAgent ?? null }, refresh.hash);
      await this.credentials.recordSignIn(tx, user.id);
    });
    return this.tokens.tokenResponse(user.id, sessionId, refresh.token);
  }

  /** Rotates a refresh token. A token presented twice revokes its whole session (family). */
  async refresh(refreshToken: string, ctx: RequestContext): Promise<TokenResponseDto> {
    // Per IP, as for refused anonymous requests: each refused refresh is recorded, so a flood of made-up tokens
    // must not add a record per request.
    const windowSeconds = 60;
    await this.hitAnonymousLimit(
      ctx,
      [{ bucket: `refresh:ip:${ctx.ip}`, limit: this.config.apiRateLimit.anonymousPerMinute, windowSeconds }],
      'token refreshes',
      {
        action: 'auth.refresh.rate_limited',
        resourceType: 'session',
        details: { reason: 'too many token refreshes', windowSeconds },
      },
    );
    const oldHash = this.tokens.hashRefreshToken(refreshToken);
    const next = this.tokens.newRefreshToken();
    const outcome = await this.audit.transaction(ctx, { action: 'auth.refresh', resourceType: 'session' }, async (tx, change) => {
      const found = await this.sessions.lockRefreshToken(tx, oldHash);
      if (!found) {
        change.set({ action: 'auth.refresh.failed', outcome: 'denied', details: { reason: 'unknown token' } });
        return undefined;
      }
      const actor = { kind: 'user' as const, id: found.userId, roles: [] };
      if (found.reused) {
        change.set({ action: 'auth.refresh.reuse', outcome: 'denied', resourceId: found.sessionId, actor, details: { revoked: 'session family' } });
        await this.sessions.revoke(tx, found.sessionId, 'refresh token reuse');
        return undefined;
      }
      if (!found.live) {
        change.set({ action: 'auth.refresh.failed', outcome: 'denied', resourceId: found.sessionId, actor, details: { reason: 'session ended' } });
        return undefined;
      }
      change.set({ resourceId: found.sessionId, actor });
      await this.sessions.rotate(tx, oldHash, next.hash, found.sessionId);
      await this.credentials.touchLastSeen(tx, found.userId);
      return found;
    });
    if (!outcome) throw new InvalidTokenError('refresh token');
    return this.tokens.tokenResponse(outcome.userId, outcome.sessionId, next.token);
  }

  async logout(ctx: RequestContext): Promise<void> {
    const sessionId = ctx.principal?.sessionId;
    if (!sessionId) return;
    await this.audit.transaction(ctx, { action: 'auth.logout', resourceType: 'session', resourceId: sessionId }, async (tx, change) => {
      change.set({});
      await this.sessions.revoke(tx, sessionId, 'logout');
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
    const user = await this.confirmPassword(ctx, dto.currentPassword, 'currentPassword', 'auth.password.change');
    this.users.assertPasswordAcceptable(dto.newPassword, user.username, ctx.principal?.displayName);
    if (await this.hasher.verify(user.passwordHash, dto.newPassword)) {
      throw new PasswordUnchangedError();
    }
    const passwordHash = await this.hasher.hash(dto.newPassword);
    const principal = ctx.principal!;
    await this.audit.transaction(ctx, { action: 'auth.password.change', resourceType: 'user', resourceId: user.id }, async (tx, change) => {
      const ended = await this.sessions.revokeAllOfUser(tx, user.id, 'password changed', principal.sessionId);
      change.set({ before: { passwordHash: 'old' }, after: { passwordHash: 'new' }, details: { otherSessionsEnded: ended } });
      await this.credentials.setPassword(tx, user.id, passwordHash);
    });
  }

  /**
   * Offers a new TOTP secret (confirmed by POST /auth/mfa/confirm). Needs the password, and a current code
   * when a factor is enrolled: an access token alone never replaces a factor.
   */
  async enrolMfa(ctx: RequestContext, dto: MfaEnrolDto): Promise<MfaEnrolmentResponseDto> {
    const user = await this.confirmPassword(ctx, dto.password, 'password', 'auth.mfa.enrol');
    if (user.mfaEnabled) await this.confirmCurrentCode(ctx, user, dto.code, 'auth.mfa.enrol');
    const secret = totp.newSecret();
    const principal = ctx.principal!;
    return this.audit.transaction(
      ctx,
      { action: 'auth.mfa.enrol', resourceType: 'user', resourceId: principal.id, details: { replacing: user.mfaEnabled } },
      async (tx, change) => {
        change.set({});
        await this.credentials.offerTotpSecret(tx, principal.id, this.encryption.encrypt(secret, `totp:${principal.id}`));
        return { secret, otpauthUri: totp.uri(principal.username ?? principal.id, secret) };
      },
    );
  }

  /** Makes the offered secret the factor; a replaced factor ends every other session. */
  async confirmMfa(ctx: RequestContext, code: string): Promise<void> {
    const principal = ctx.principal!;
    const user = await this.credentials.byId(principal.id);
    const step = user?.totpPendingSecret ? this.verifyTotp(user, user.totpPendingSecret, code) : null;
    if (!user || step === null) {
      await this.audit.record(ctx, { action: 'auth.mfa.confirm', outcome: 'denied', resourceType: 'user', resourceId: principal.id });
      throw new RefusedMfaCodeError(
        user?.totpPendingSecret
          ? 'The code does not match the enrolled secret (check the device clock)'
          : 'Start enrolment first (POST /api/v1/auth/mfa/enrol)',
        'is not valid',
      );
    }
    await this.audit.transaction(ctx, { action: 'auth.mfa.confirm', resourceType: 'user', resourceId: user.id }, async (tx, change) => {
      const ended = user.mfaEnabled ? await this.sessions.revokeAllOfUser(tx, user.id, 'second factor replaced', principal.sessionId) : 0;
      change.set({ before: { mfaEnabled: user.mfaEnabled }, after: { mfaEnabled: true }, details: { otherSessionsEnded: ended } });
      await this.credentials.confirmTotp(tx, user.id, step);
    });
  }

  /** Removes the second factor: needs the password and a current code; ends every other session. */
  async removeMfa(ctx: RequestContext, dto: MfaRemoveDto): Promise<void> {
    const user = await this.confirmPassword(ctx, dto.password, 'password', 'auth.mfa.remove');
    if (!user.mfaEnabled) throw new MfaNotEnrolledError();
    if (this.config.mfaRequired) throw new MfaRequiredError();
    await this.confirmCurrentCode(ctx, user, dto.code, 'auth.mfa.remove');
    const principal = ctx.principal!;
    await this.audit.transaction(ctx, { action: 'auth.mfa.remove', resourceType: 'user', resourceId: user.id }, async (tx, change) => {
      const ended = await this.sessions.revokeAllOfUser(tx, user.id, 'second factor removed', principal.sessionId);
      change.set({ before: { mfaEnabled: true }, after: { mfaEnabled: false }, details: { otherSessionsEnded: ended } });
      await this.credentials.removeTotp(tx, user.id);
    });
  }

  /**
   * Checks the signed-in user's password before a sensitive change. Guesses are rate-limited per user and
   * count toward the account's lockout, like failed sign-ins; a locked account is refused.
   */
  private async confirmPassword(
    ctx: RequestContext,
    password: string,
    field: string,
    action: 'auth.password.change' | 'auth.mfa.enrol' | 'auth.mfa.remove',
  ): Promise<UserCredentials> {
    const principal = ctx.principal!;
    await this.rateLimiter.hit(
      [{ bucket: `password-check:user:${principal.id}`, limit: PASSWORD_CHECKS, windowSeconds: PASSWORD_CHECK_WINDOW_SECONDS }],
      'password confirmations',
    );
    const user = await this.credentials.byId(principal.id);
    const ok = user ? await this.hasher.verify(user.passwordHash, password) : await this.hasher.verifyDummy(password);
    if (user && !isLocked(user) && ok) return user;
    if (user && !isLocked(user)) await this.countFailure(ctx, user);
    await this.audit.record(ctx, {
      action,
      outcome: 'denied',
      resourceType: 'user',
      resourceId: principal.id,
      details: { reason: user && isLocked(user) ? 'account locked' : 'wrong password' },
    });
    if (user && isLocked(user)) throw new AccountLockedError();
    throw new WrongPasswordError(field);
  }

  private async confirmCurrentCode(
    ctx: RequestContext,
    user: UserCredentials,
    code: string | undefined,
    action: 'auth.mfa.enrol' | 'auth.mfa.remove',
  ): Promise<void> {
    await this.rateLimiter.hit([{ bucket: `mfa:user:${user.id}`, limit: MFA_ATTEMPTS, windowSeconds: MFA_WINDOW_SECONDS }], 'second-factor attempts');
    const step = code ? this.verifyTotp(user, user.totpSecret, code) : null;
    if (step !== null && (await this.credentials.acceptTotpStep(user.id, step))) return;
    await this.audit.record(ctx, {
      action,
      outcome: 'denied',
      resourceType: 'user',
      resourceId: user.id,
      details: { reason: code ? 'wrong second-factor code' : 'no second-factor code' },
    });
    throw new RefusedMfaCodeError(
      code ? 'The code is wrong, expired, or was already used' : 'A second factor is enrolled: send a current code to change it',
      code ? 'is not valid' : 'is required',
    );
  }

  private async countFailure(ctx: RequestContext, user: UserCredentials): Promise<void> {
    const { lockedNow, failedLoginCount } = await this.credentials.recordFailure(user.id);
    if (lockedNow) {
      await this.audit.record(ctx, {
        action: 'auth.lockout',
        outcome: 'denied',
        resourceType: 'user',
        resourceId: user.id,
        actor: { kind: 'user', id: user.id, roles: user.roles },
        details: { failedLoginCount },
      });
    }
  }

  private verifyTotp(user: UserCredentials, encryptedSecret: string | null, code: string): number | null {
    return encryptedSecret ? totp.verify(this.encryption.decrypt(encryptedSecret, `totp:${user.id}`), code) : null;
  }
}

function isLocked(user: Pick<UserCredentials, 'lockedUntil'>): boolean {
  return user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
}

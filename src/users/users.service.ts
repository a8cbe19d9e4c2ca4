import { Injectable } from '@nestjs/common';
import { RequestContext, Role } from '../access/request-context';
import { AuditChange, AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { paginate, Page } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { CreateUserDto, toUserResponse, UpdateUserDto, UserListQueryDto, UserResponseDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher';
import { passwordProblem } from './password-policy';
import './users.audit';
import { INCOMPATIBLE_ROLES, separationOfDutiesConflict } from '../access/permissions';
import { IncompatibleRolesError, OwnRolesChangeError, SelfLockoutError, UserNotFoundError, WeakPasswordError } from './users.errors';
import { UserAccount, UserPatch, UsersRepository } from './users.repository';

export type { UserAccount, UserCredentials } from './users.repository';

/** What the audit trail records of a user (never the hash or a secret: the redaction list also guards). */
function auditView(user: Pick<UserAccount, 'username' | 'displayName' | 'roles' | 'disabledAt' | 'lockedUntil'>): Record<string, unknown> {
  return { username: user.username, displayName: user.displayName, roles: user.roles, disabledAt: user.disabledAt, lockedUntil: user.lockedUntil };
}

/** Staff accounts, managed by admins. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditTrail,
  ) {}

  /** The password policy (length, username, common passwords, zxcvbn score ≥ 3); the 422 says why. */
  assertPasswordAcceptable(password: string, username: string, displayName?: string): void {
    const problem = passwordProblem(password, username, displayName ? [displayName] : []);
    if (problem) throw new WeakPasswordError(problem);
  }

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserResponseDto> {
    assertRolesCompatible(dto.roles);
    this.assertPasswordAcceptable(dto.password, dto.username, dto.displayName);
    const passwordHash = await this.hasher.hash(dto.password);
    const id = newId();
    return this.audit.transaction(ctx, { action: 'user.create', resourceType: 'user', resourceId: id }, async (tx, change) => {
      change.set({ before: null, after: auditView({ username: dto.username, displayName: dto.displayName, roles: dto.roles, disabledAt: null, lockedUntil: null }) });
      return toUserResponse(await this.users.insert(tx, { id, username: dto.username, displayName: dto.displayName, passwordHash, roles: dto.roles }));
    });
  }

  /** Enabled accounts that combine roles separation of duties forbids (made before the rule): for /metrics. */
  countSeparationOfDutiesViolations(): Promise<number> {
    return this.users.countIncompatibleRoles(INCOMPATIBLE_ROLES);
  }

  async list(query: UserListQueryDto): Promise<Page<UserResponseDto>> {
    return paginate(query, ['string'], (after, take) => this.users.list(after?.[0] as string | undefined, take), (u) => [u.username], toUserResponse);
  }

  async get(id: string): Promise<UserResponseDto> {
    const user = await this.users.findAccount(id);
    if (!user) throw new UserNotFoundError(id);
    return toUserResponse(user);
  }

  /**
   * An account by id, or undefined, in `tx` when given: for features that check whom they refer to (a case
   * member must be an active user with the right roles).
   */
  async findAccount(id: string, tx?: Tx): Promise<UserAccount | undefined> {
    return this.users.findAccount(id, tx);
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserResponseDto> {
    return this.change(ctx, id, 'user.update', (user) => {
      assertVersion(expectedVersion, user.version);
      if (dto.roles && id === ctx.principal?.id && !sameRoles(dto.roles, user.roles)) throw new OwnRolesChangeError();
      // An account that already combines them keeps working (and is counted in /metrics) until its roles change.
      if (dto.roles) assertRolesCompatible(dto.roles);
      return { displayName: dto.displayName, roles: dto.roles };
    });
  }

  async disable(ctx: RequestContext, id: string, reason?: string): Promise<UserResponseDto> {
    if (id === ctx.principal?.id) throw new SelfLockoutError('disable');
    return this.change(ctx, id, 'user.disable', (user) => ({ disabledAt: user.disabledAt ?? new Date(), disabledReason: reason ?? 'disabled by an admin', endSessions: true }));
  }

  async enable(ctx: RequestContext, id: string): Promise<UserResponseDto> {
    // lastSeenAt: a fresh start for the inactivity job.
    return this.change(ctx, id, 'user.enable', () => ({ disabledAt: null, disabledReason: null, lastSeenAt: new Date() }));
  }

  async unlock(ctx: RequestContext, id: string): Promise<UserResponseDto> {
    return this.change(ctx, id, 'user.unlock', () => ({ lockedUntil: null, failedLoginCount: 0 }));
  }

  /**
   * The inactivity job: disables every enabled account not seen for `days`, each with its own record, in
   * the caller's transaction. Returns their ids.
   */
  async disableInactive(tx: Tx, change: AuditChange, days: number): Promise<string[]> {
    const inactive = await this.users.lockInactive(tx, days);
    const reason = `unused for ${days} days`;
    for (const user of inactive) {
      const patch: UserPatch = { disabledAt: new Date(), disabledReason: reason, endSessions: true };
      change.add({ action: 'user.disable', resourceType: 'user', resourceId: user.id, before: auditView(user), after: auditView({ ...user, ...patch }), details: { reason } });
      await this.users.update(tx, user.id, patch);
    }
    return inactive.map((u) => u.id);
  }

  /** One audited change of one account: read under lock, patch, write with its record. */
  private async change(ctx: RequestContext, id: string, action: 'user.update' | 'user.disable' | 'user.enable' | 'user.unlock', patchOf: (user: UserAccount) => UserPatch): Promise<UserResponseDto> {
    return this.audit.transaction(ctx, { action, resourceType: 'user', resourceId: id }, async (tx, change) => {
      const user = await this.users.lockAccount(tx, id);
      if (!user) throw new UserNotFoundError(id);
      const patch = patchOf(user);
      change.set({ before: auditView(user), after: auditView({ ...user, ...withoutUndefined(patch) }) });
      return toUserResponse(await this.users.update(tx, id, patch));
    });
  }
}

function assertRolesCompatible(roles: readonly Role[]): void {
  const conflict = separationOfDutiesConflict(roles);
  if (conflict) throw new IncompatibleRolesError(conflict);
}

function sameRoles(a: readonly Role[], b: readonly Role[]): boolean {
  return a.length === b.length && a.every((r) => b.includes(r));
}

function withoutUndefined<T extends object>(value: T): Partial<T> {
  return Object.fromEntries(Object.entries(value).filter(([, v]) => v !== undefined)) as Partial<T>;
}

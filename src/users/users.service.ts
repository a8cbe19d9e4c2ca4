import { Injectable } from '@nestjs/common';
import { EntityManager, QueryFailedError } from 'typeorm';
import { AuditRecorder, AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { decodeCursor, Page, toPage } from '../common/pagination/keyset';
import { RequestContext } from '../access/request-context';
import { newId } from '../database/ids';
import { CreateUserDto, UpdateUserDto, UserListQueryDto, UserResponseDto } from './dto/user.dto';
import { PasswordHasher } from './password-hasher';
import { passwordProblem } from './password-policy';
import { UserEntity } from './user.entity';
import { SelfLockoutError, UsernameTakenError, UserNotFoundError, WeakPasswordError } from './users.errors';
import { UsersRepository } from './users.repository';

export function toUserResponse(user: UserEntity): UserResponseDto {
  const locked = user.lockedUntil !== null && user.lockedUntil.getTime() > Date.now();
  return {
    id: user.id,
    username: user.username,
    displayName: user.displayName,
    roles: user.roles,
    status: user.disabledAt ? 'disabled' : locked ? 'locked' : 'active',
    disabledAt: user.disabledAt?.toISOString() ?? null,
    lockedUntil: locked ? user.lockedUntil!.toISOString() : null,
    mfaEnabled: user.totpEnabledAt !== null,
    lastLoginAt: user.lastLoginAt?.toISOString() ?? null,
    createdAt: user.createdAt.toISOString(),
    version: user.version,
  };
}

/** What the audit trail records of a user (never the hash or a secret: the redaction list also guards). */
function auditView(user: UserEntity): Record<string, unknown> {
  return { username: user.username, displayName: user.displayName, roles: user.roles, disabledAt: user.disabledAt, lockedUntil: user.lockedUntil };
}

const isUniqueViolation = (e: unknown): boolean => e instanceof QueryFailedError && (e as QueryFailedError & { driverError?: { code?: string } }).driverError?.code === '23505';

/** Staff accounts, managed by admins. */
@Injectable()
export class UsersService {
  constructor(
    private readonly users: UsersRepository,
    private readonly hasher: PasswordHasher,
    private readonly audit: AuditTrail,
  ) {}

  assertPasswordAcceptable(password: string, username: string): void {
    const problem = passwordProblem(password, username);
    if (problem) throw new WeakPasswordError(problem);
  }

  async create(ctx: RequestContext, dto: CreateUserDto): Promise<UserResponseDto> {
    this.assertPasswordAcceptable(dto.password, dto.username);
    const passwordHash = await this.hasher.hash(dto.password);
    try {
      return await this.audit.transaction(ctx, { action: 'user.create', resourceType: 'user' }, async (tx, audit) => {
        const user = Object.assign(new UserEntity(), { id: newId(), username: dto.username, displayName: dto.displayName, passwordHash, roles: dto.roles });
        const saved = await this.users.insert(tx, user);
        audit.record({ action: 'user.create', resourceType: 'user', resourceId: saved.id, before: null, after: auditView(saved) });
        return toUserResponse(saved);
      });
    } catch (e) {
      if (isUniqueViolation(e)) throw new UsernameTakenError(dto.username);
      throw e;
    }
  }

  async list(query: UserListQueryDto): Promise<Page<UserResponseDto>> {
    const after = decodeCursor(query.cursor, ['string'])?.[0] as string | undefined;
    const rows = await this.users.list(after, query.limit + 1);
    return toPage(rows, query.limit, (u) => [u.username], toUserResponse);
  }

  async get(id: string): Promise<UserResponseDto> {
    const user = await this.users.findById(id);
    if (!user) throw new UserNotFoundError(id);
    return toUserResponse(user);
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateUserDto): Promise<UserResponseDto> {
    return this.change(ctx, id, 'user.update', (user) => {
      assertVersion(expectedVersion, user.version);
      if (dto.roles && id === ctx.principal?.id && user.roles.includes('admin') && !dto.roles.includes('admin')) throw new SelfLockoutError('remove the admin role from');
      if (dto.displayName !== undefined) user.displayName = dto.displayName;
      if (dto.roles !== undefined) user.roles = dto.roles;
    });
  }

  async disable(ctx: RequestContext, id: string, reason?: string): Promise<UserResponseDto> {
    if (id === ctx.principal?.id) throw new SelfLockoutError('disable');
    return this.change(ctx, id, 'user.disable', (user) => {
      user.disabledAt ??= new Date();
      user.disabledReason = reason ?? 'disabled by an admin';
    });
  }

  async enable(ctx: RequestContext, id: string): Promise<UserResponseDto> {
    return this.change(ctx, id, 'user.enable', (user) => {
      user.disabledAt = null;
      user.disabledReason = null;
      user.lastSeenAt = new Date(); // a fresh start for the inactivity job
    });
  }

  async unlock(ctx: RequestContext, id: string): Promise<UserResponseDto> {
    return this.change(ctx, id, 'user.unlock', (user) => {
      user.lockedUntil = null;
      user.failedLoginCount = 0;
    });
  }

  /** Disables a user in the caller's transaction (the inactivity job). */
  async disableInTransaction(tx: EntityManager, audit: AuditRecorder, user: UserEntity, reason: string): Promise<void> {
    const before = auditView(user);
    user.disabledAt = new Date();
    user.disabledReason = reason;
    await this.users.save(tx, user);
    audit.record({ action: 'user.disable', resourceType: 'user', resourceId: user.id, before, after: auditView(user), details: { reason } });
  }

  private async change(ctx: RequestContext, id: string, action: string, mutate: (user: UserEntity) => void): Promise<UserResponseDto> {
    return this.audit.transaction(ctx, { action, resourceType: 'user', resourceId: id }, async (tx, audit) => {
      const user = await this.users.findByIdForUpdate(tx, id);
      if (!user) throw new UserNotFoundError(id);
      const before = auditView(user);
      mutate(user);
      const saved = await this.users.save(tx, user);
      audit.record({ action, resourceType: 'user', resourceId: id, before, after: auditView(saved) });
      return toUserResponse(saved);
    });
  }
}

import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { rolesGrant } from '../access/permissions';
import { RequestContext } from '../access/request-context';
import { AuditTrail, AuditAction } from '../audit/audit-trail.service';
import { AuditService } from '../audit/audit.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { UsersService } from '../users/users.service';
import { paginateList } from '../common/pagination/list-cursor';
import type { CaseMemberRole } from './case-member.entity';
import './cases.audit';
import { CASE_READ_ACTIONS } from './cases.audit';
import {
  AlreadyMemberError,
  CaseClosedError,
  CaseNeedsLeadError,
  CaseNotFoundError,
  InvalidStatusTransitionError,
  LeadNotEligibleError,
  MemberNotEligibleError,
  MemberNotFoundError,
  NotCaseManagerError,
  ReadOnlyMemberError,
  ReasonRequiredError,
  SupervisorOnlyError,
} from './cases.errors';
import { CaseListFilter, CasePatch, CaseRecord, CasesRepository } from './cases.repository';
import { CaseListQueryDto, CaseResponseDto, CreateCaseDto, MyCasesQueryDto, toCaseResponse, UpdateCaseDto } from './dto/case.dto';
import { AddMemberDto, MemberListQueryDto, MemberResponseDto, toMemberResponse, UpdateMemberDto } from './dto/member.dto';
import { TimelineEntryDto, TimelineQueryDto } from './dto/timeline.dto';

const CASE_NUMBER = /^CF-\d{4}-\d{4,}$/i;

/** What the audit trail records of a case. */
function auditView(c: Pick<CaseRecord, 'title' | 'summary' | 'sensitivity' | 'status' | 'leadInvestigatorId' | 'legalHold'>): Record<string, unknown> {
  return { title: c.title, summary: c.summary, sensitivity: c.sensitivity, status: c.status, leadInvestigatorId: c.leadInvestigatorId, legalHold: c.legalHold };
}

function userId(ctx: RequestContext): string {
  return ctx.principal!.id;
}

/** Supervisors: everything on every case (DESIGN §3), member or not. */
export function isSupervisor(ctx: RequestContext): boolean {
  return rolesGrant(ctx.principal?.roles ?? [], 'case:read-all');
}

/**
 * Cases and their members, the timeline and `me/cases`; and the need-to-know gates the features under a
 * case (notes, tasks) pass through: `requireReadable()` for reads, `requireWritable()` in a change.
 */
@Injectable()
export class CasesService {
  constructor(
    private readonly cases: CasesRepository,
    private readonly access: AccessService,
    private readonly audit: AuditTrail,
    private readonly history: AuditService,
    private readonly users: UsersService,
  ) {}

  // ---- the gates ----

  /**
   * A read of something under a case: 404 (recorded once as denied, under `action`) unless the caller is
   * a member or a supervisor; 404 for a supervisor when the case does not exist.
   */
  async requireReadable(ctx: RequestContext, caseId: string, action: AuditAction): Promise<void> {
    await this.access.requireAccess(ctx, 'case', [caseId], { action, caseId });
    if (isSupervisor(ctx) && !(await this.cases.exists(caseId))) throw new CaseNotFoundError(caseId);
  }

  /**
   * A change of something under a case, in its transaction: need-to-know (404), then the right to write
   * (viewers: 403, they know the case), then an open case (closed: 409 unless `allowClosed`). `lock` holds
   * the case row until the transaction ends (changes of the case itself and of its members queue there).
   * Without a transaction it is a check ahead of a long operation (an upload), to be repeated in its change.
   */
  async requireWritable(tx: Tx | undefined, ctx: RequestContext, caseId: string, action: AuditAction, options: { lock?: boolean; allowClosed?: boolean } = {}): Promise<CaseRecord> {
    await this.access.requireAccess(ctx, 'case', [caseId], { action, caseId }, tx);
    const found = options.lock && tx ? await this.cases.lockForWriter(tx, caseId, userId(ctx)) : await this.cases.findForReader(caseId, userId(ctx), tx);
    if (!found || (!isSupervisor(ctx) && !found.myRole)) throw new CaseNotFoundError(caseId);
    if (!isSupervisor(ctx) && found.myRole === 'viewer') throw new ReadOnlyMemberError();
    if (!options.allowClosed && found.status === 'closed') throw new CaseClosedError();
    return found;
  }

  /** A read under a case that needs the case itself (its number, its legal hold): 404 as requireReadable. */
  async requireReadableCase(ctx: RequestContext, caseId: string, action: AuditAction): Promise<CaseRecord> {
    await this.access.requireAccess(ctx, 'case', [caseId], { action, caseId });
    const found = await this.cases.findForReader(caseId, userId(ctx));
    if (!found) throw new CaseNotFoundError(caseId);
    return found;
  }

  /** Whether `memberId` is a member of the case (any role), in the change's transaction. */
  async isMember(tx: Tx, caseId: string, memberId: string): Promise<boolean> {
    return (await this.cases.findMember(tx, caseId, memberId)) !== undefined;
  }

  // ---- cases ----

  async create(ctx: RequestContext, dto: CreateCaseDto): Promise<CaseResponseDto> {
    const id = newId();
    const leadId = dto.leadInvestigatorId?.toLowerCase() ?? userId(ctx);
    return this.audit.transaction(ctx, { action: 'case.create', resourceType: 'case', resourceId: id, caseId: id }, async (tx, change) => {
      if (leadId !== userId(ctx)) await this.assertEligible(tx, leadId, 'leadInvestigatorId', 'lead');
      const { year, seq } = await this.cases.nextNumber(tx);
      const caseNumber = `CF-${year}-${String(seq).padStart(4, '0')}`;
      const summary = dto.summary ?? '';
      change.set({ before: null, after: { caseNumber, ...auditView({ title: dto.title, summary, sensitivity: dto.sensitivity, status: 'open', leadInvestigatorId: leadId, legalHold: false }) } });
      const created = await this.cases.insert(tx, { id, caseNumber, year, seq, title: dto.title, summary, sensitivity: dto.sensitivity, leadId, createdBy: userId(ctx) });
      return toCaseResponse(created);
    });
  }

  async list(ctx: RequestContext, query: CaseListQueryDto): Promise<Page<CaseResponseDto>> {
    const supervisor = isSupervisor(ctx);
    const filters = { status: query.status, sensitivity: query.sensitivity, memberId: query.memberId, q: query.q, sort: query.sort };
    if (query.memberId && !supervisor) {
      const error = new SupervisorOnlyError('filter cases by member');
      await this.audit.record(ctx, { action: 'case.list', outcome: 'denied', resourceType: 'case', details: { filters, problem: error.code } });
      throw error;
    }
    const q = query.q?.trim();
    const filter: CaseListFilter = {
      viewerId: userId(ctx),
      membersOnly: !supervisor,
      memberId: query.memberId?.toLowerCase(),
      status: query.status,
      sensitivity: query.sensitivity,
      caseNumber: q && CASE_NUMBER.test(q) ? q.toUpperCase() : undefined,
      words: q && !CASE_NUMBER.test(q) ? q : undefined,
      sort: query.sort,
    };
    return this.listed(ctx, `cases:${query.sort}`, query, filter, { filters });
  }

  /**
   * For the search box: cases by number (exact) or by words of the title, only those the caller may see
   * (members; supervisors all) — filtered in SQL like every list. The read is audited as a case list.
   */
  async search(ctx: RequestContext, term: string, limit: number): Promise<{ case: CaseResponseDto; byNumber: boolean }[]> {
    const q = term.trim();
    const byNumber = CASE_NUMBER.test(q);
    const filter: CaseListFilter = { viewerId: userId(ctx), membersOnly: !isSupervisor(ctx), caseNumber: byNumber ? q.toUpperCase() : undefined, words: byNumber ? undefined : q, sort: 'activity' };
    const rows = await this.cases.list(filter, undefined, limit);
    if (rows.length > 0) await this.audit.record(ctx, { action: 'case.list', resourceType: 'case', details: { view: 'search', count: rows.length, caseIds: rows.map((r) => r.id) } });
    return rows.map((r) => ({ case: toCaseResponse(r), byNumber }));
  }

  async mine(ctx: RequestContext, query: MyCasesQueryDto): Promise<Page<CaseResponseDto>> {
    return this.listed(ctx, 'me-cases', query, { viewerId: userId(ctx), membersOnly: true, status: query.status, sort: 'activity' }, { view: 'me', filters: { status: query.status } });
  }

  async get(ctx: RequestContext, id: string): Promise<CaseResponseDto> {
    await this.access.requireAccess(ctx, 'case', [id], { action: 'case.read', caseId: id });
    const found = await this.cases.findForReader(id, userId(ctx));
    if (!found) throw new CaseNotFoundError(id);
    await this.audit.record(ctx, { action: 'case.read', resourceType: 'case', resourceId: id, caseId: id });
    return toCaseResponse(found);
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateCaseDto): Promise<CaseResponseDto> {
    return this.audit.transaction(ctx, { action: 'case.update', resourceType: 'case', resourceId: id, caseId: id }, async (tx, change) => {
      const current = await this.requireWritable(tx, ctx, id, 'case.update', { lock: true, allowClosed: true });
      assertVersion(expectedVersion, current.version);
      const roles = ctx.principal?.roles ?? [];
      const patch: CasePatch = {};
      for (const field of ['title', 'summary', 'sensitivity'] as const) {
        if (dto[field] !== undefined && dto[field] !== current[field]) patch[field] = dto[field] as never;
      }
      if (dto.status !== undefined && dto.status !== current.status) {
        const move = `${current.status}->${dto.status}`;
        if (move === 'closed->active') {
          if (!rolesGrant(roles, 'case:reopen')) throw new SupervisorOnlyError('reopen a closed case');
          if (!dto.reason) throw new ReasonRequiredError();
          patch.closedAt = null;
        } else if (move === 'active->closed') {
          patch.closedAt = new Date();
        } else if (move !== 'open->active') {
          throw new InvalidStatusTransitionError(current.status, dto.status);
        }
        patch.status = dto.status;
      }
      // A closed case keeps its content: only reopening and the legal hold change it.
      if (current.status === 'closed' && patch.status === undefined && (patch.title !== undefined || patch.summary !== undefined || patch.sensitivity !== undefined)) throw new CaseClosedError();
      if (dto.legalHold !== undefined && dto.legalHold !== current.legalHold) {
        if (!rolesGrant(roles, 'case:legal-hold')) throw new SupervisorOnlyError('set or clear a legal hold');
        patch.legalHold = dto.legalHold;
      }
      const newLead = dto.leadInvestigatorId?.toLowerCase();
      if (newLead !== undefined && newLead !== current.leadInvestigatorId) {
        if (!rolesGrant(roles, 'case:assign') && current.myRole !== 'lead') throw new NotCaseManagerError();
        if (current.status === 'closed') throw new CaseClosedError();
        await this.assertEligible(tx, newLead, 'leadInvestigatorId', 'lead');
        patch.leadInvestigatorId = newLead;
      }
      if (Object.keys(patch).length === 0) return toCaseResponse(current);
      change.set({ before: auditView(current), after: auditView({ ...current, ...patch }), details: dto.reason ? { reason: dto.reason } : undefined });
      if (patch.leadInvestigatorId) await this.handLeadTo(tx, id, patch.leadInvestigatorId);
      return toCaseResponse(await this.cases.update(tx, id, patch, userId(ctx)));
    });
  }

  // ---- members ----

  async members(ctx: RequestContext, caseId: string, query: MemberListQueryDto): Promise<Page<MemberResponseDto>> {
    await this.requireReadable(ctx, caseId, 'member.list');
    const page = await paginateList(`members:${caseId}`, query, ['uuid'], (after, take) => this.cases.members(caseId, after?.[0], take), (m) => [m.userId], toMemberResponse);
    await this.audit.record(ctx, { action: 'member.list', resourceType: 'case', resourceId: caseId, caseId, details: { count: page.data.length } });
    return page;
  }

  async addMember(ctx: RequestContext, caseId: string, dto: AddMemberDto): Promise<MemberResponseDto> {
    const memberId = dto.userId.toLowerCase();
    return this.audit.transaction(ctx, { action: 'member.add', resourceType: 'case-member', resourceId: memberId, caseId }, async (tx, change) => {
      await this.requireManager(tx, ctx, caseId, 'member.add');
      await this.assertEligible(tx, memberId, 'userId', dto.role === 'lead' ? 'lead' : 'member');
      if (await this.cases.findMember(tx, caseId, memberId)) throw new AlreadyMemberError(memberId);
      change.set({ before: null, after: { userId: memberId, role: dto.role } });
      if (dto.role !== 'lead') return toMemberResponse(await this.cases.insertMember(tx, caseId, memberId, dto.role));
      await this.cases.demoteLead(tx, caseId);
      const added = await this.cases.insertMember(tx, caseId, memberId, 'lead');
      await this.cases.setCaseLead(tx, caseId, memberId);
      return toMemberResponse(added);
    });
  }

  async updateMember(ctx: RequestContext, caseId: string, memberId: string, expectedVersion: number, dto: UpdateMemberDto): Promise<MemberResponseDto> {
    return this.audit.transaction(ctx, { action: 'member.update', resourceType: 'case-member', resourceId: memberId, caseId }, async (tx, change) => {
      await this.requireManager(tx, ctx, caseId, 'member.update');
      const member = await this.cases.findMember(tx, caseId, memberId);
      if (!member) throw new MemberNotFoundError(memberId);
      assertVersion(expectedVersion, member.version);
      if (member.role === dto.role) return toMemberResponse(member);
      if (member.role === 'lead') throw new CaseNeedsLeadError();
      change.set({ before: { role: member.role }, after: { role: dto.role } });
      if (dto.role !== 'lead') return toMemberResponse(await this.cases.updateMemberRole(tx, caseId, memberId, dto.role));
      await this.assertEligible(tx, memberId, 'userId', 'lead');
      await this.cases.demoteLead(tx, caseId);
      const promoted = await this.cases.updateMemberRole(tx, caseId, memberId, 'lead');
      await this.cases.setCaseLead(tx, caseId, memberId);
      return toMemberResponse(promoted);
    });
  }

  /** The member loses the case on their next request (need-to-know is checked on every request). */
  async removeMember(ctx: RequestContext, caseId: string, memberId: string, expectedVersion: number): Promise<void> {
    await this.audit.transaction(ctx, { action: 'member.remove', resourceType: 'case-member', resourceId: memberId, caseId }, async (tx, change) => {
      await this.requireManager(tx, ctx, caseId, 'member.remove');
      const member = await this.cases.findMember(tx, caseId, memberId);
      if (!member) throw new MemberNotFoundError(memberId);
      assertVersion(expectedVersion, member.version);
      if (member.role === 'lead') throw new CaseNeedsLeadError();
      change.set({ before: { userId: memberId, role: member.role }, after: null });
      await this.cases.deleteMember(tx, caseId, memberId);
    });
  }

  // ---- timeline ----

  /**
   * The case's history from the audit trail, newest first. The lead and supervisors see everything (reads
   * and denied attempts too); other members see the changes that succeeded.
   */
  async timeline(ctx: RequestContext, caseId: string, query: TimelineQueryDto): Promise<Page<TimelineEntryDto>> {
    await this.access.requireAccess(ctx, 'case', [caseId], { action: 'timeline.read', caseId });
    const found = await this.cases.findForReader(caseId, userId(ctx));
    if (!found) throw new CaseNotFoundError(caseId);
    const full = isSupervisor(ctx) || found.myRole === 'lead';
    const page = await paginateList(
      `timeline:${caseId}`,
      query,
      ['seq'],
      (after, take) => this.history.caseHistory(caseId, { beforeSeq: after?.[0], limit: take, ...(full ? {} : { excludeActions: CASE_READ_ACTIONS, outcome: 'success' as const }) }),
      (r) => [r.seq],
      (r): TimelineEntryDto => ({ seq: r.seq, occurredAt: r.occurredAt, actor: r.actor, action: r.action, resourceType: r.resourceType, resourceId: r.resourceId, outcome: r.outcome, changes: r.changes, details: r.details }),
    );
    await this.audit.record(ctx, { action: 'timeline.read', resourceType: 'case', resourceId: caseId, caseId, details: { count: page.data.length, full } });
    return page;
  }

  // ---- helpers ----

  private async listed(ctx: RequestContext, list: string, query: { limit: number; cursor?: string }, filter: CaseListFilter, details: Record<string, unknown>): Promise<Page<CaseResponseDto>> {
    const page = await paginateList(
      list,
      query,
      filter.sort === 'activity' ? ['timestamp', 'uuid'] : ['int', 'int'],
      (after, take) => this.cases.list(filter, after, take),
      (r) => (filter.sort === 'activity' ? [r.activityKey, r.id] : [String(r.numberYear), String(r.numberSeq)]),
      toCaseResponse,
    );
    await this.audit.record(ctx, { action: 'case.list', resourceType: 'case', details: { ...details, count: page.data.length, caseIds: page.data.map((c) => c.id) } });
    return page;
  }

  /** Members are managed by the case's lead or a supervisor; the case row stays locked (one change of members at a time). */
  private async requireManager(tx: Tx, ctx: RequestContext, caseId: string, action: AuditAction): Promise<CaseRecord> {
    const found = await this.requireWritable(tx, ctx, caseId, action, { lock: true, allowClosed: true });
    if (!rolesGrant(ctx.principal?.roles ?? [], 'case:assign') && found.myRole !== 'lead') throw new NotCaseManagerError();
    return found;
  }

  /** Makes `newLead` the lead member (adding them when not a member) after the current lead steps down to member. */
  private async handLeadTo(tx: Tx, caseId: string, newLead: string): Promise<void> {
    const existing = await this.cases.findMember(tx, caseId, newLead);
    await this.cases.demoteLead(tx, caseId);
    if (existing) await this.cases.updateMemberRole(tx, caseId, newLead, 'lead');
    else await this.cases.insertMember(tx, caseId, newLead, 'lead');
  }

  /**
   * A member holds case content: an active account whose roles grant reading cases, and neither admin nor
   * auditor (separation of duties). A lead also writes (investigator or supervisor).
   */
  private async assertEligible(tx: Tx, id: string, field: string, as: CaseMemberRole): Promise<void> {
    const user = await this.users.findAccount(id, tx);
    if (!user) throw new MemberNotEligibleError(field, 'no user has this id');
    if (user.disabledAt) throw new MemberNotEligibleError(field, 'the account is disabled');
    if (!rolesGrant(user.roles, 'case:read') || user.roles.includes('admin') || user.roles.includes('auditor')) {
      throw new MemberNotEligibleError(field, `an account with the roles ${user.roles.join(', ')} may not hold case content`);
    }
    if (as === 'lead' && !rolesGrant(user.roles, 'case:write')) throw new LeadNotEligibleError(field);
  }
}

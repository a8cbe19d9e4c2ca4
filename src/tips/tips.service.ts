import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { rolesGrant } from '../access/permissions';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { paginateList } from '../common/pagination/list-cursor';
import { CasesService } from '../cases/cases.service';
import { assertVersion } from '../common/concurrency/if-match';
import { DomainError } from '../common/errors/domain.error';
import { Page } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { OrganizationsService } from '../organizations/organizations.service';
import { SelectorsService } from '../selectors/selectors.service';
import { SubjectsService } from '../subjects/subjects.service';
import { UsersService } from '../users/users.service';
import {
  CandidateDto,
  priorityName,
  priorityRank,
  TipDetailDto,
  TipDuplicateDto,
  TipQueueQueryDto,
  TipsterIdentityDto,
  TipSummaryDto,
  UpdateTipDto,
} from './dto/tip.dto';
import type { CandidateEntityType, CandidateStatus } from './tip-candidate.entity';
import type { TipStatus } from './tip.entity';
import { TipsterVault } from './tipster-vault';
import './tips.audit';
import {
  ALLOWED_TIP_MOVES,
  AssigneeNotEligibleError,
  CandidateNotFoundError,
  DuplicateNeedsOriginalError,
  InvalidTipTransitionError,
  TipCaseNotFoundError,
  TipNotFoundError,
  TipStillMatchingError,
} from './tips.errors';
import { CandidateRecord, TipPatch, TipQueueRow, TipRecord, TipRewardView, TipsRepository, TipViewer } from './tips.repository';

export type { TipRewardView } from './tips.repository';

/** What the audit trail records of a tip's triage state. */
function auditView(
  t: Pick<TipRecord, 'status' | 'priority' | 'assigneeId' | 'caseId' | 'sourceReliability' | 'informationCredibility' | 'duplicateOf' | 'possibleDuplicateOf'>,
): Record<string, unknown> {
  return {
    status: t.status,
    priority: priorityName(t.priority),
    assigneeId: t.assigneeId,
    caseId: t.caseId,
    sourceReliability: t.sourceReliability,
    informationCredibility: t.informationCredibility,
    duplicateOf: t.duplicateOf,
    possibleDuplicateOf: t.possibleDuplicateOf,
  };
}

export function viewerOf(ctx: RequestContext): TipViewer {
  const roles = ctx.principal?.roles ?? [];
  return { userId: ctx.principal!.id, seesAll: rolesGrant(roles, 'case:read-all'), triage: rolesGrant(roles, 'tip:triage') };
}

function toSummary(t: Omit<TipRecord, 'narrative' | 'extracted'> & { excerpt: string }): TipSummaryDto {
  return {
    id: t.id,
    reference: t.reference,
    status: t.status,
    priority: priorityName(t.priority),
    channel: t.channel,
    receivedAt: t.receivedAt.toISOString(),
    assigneeId: t.assigneeId,
    caseId: t.caseId,
    candidateCount: t.candidateCount,
    possibleDuplicateOf: t.possibleDuplicateOf,
    tipster: { anonymous: t.anonymous, pseudonym: t.tipsterPseudonym },
    excerpt: t.excerpt,
    rewardInterest: t.rewardInterest,
    version: t.version,
  };
}

/**
 * Triage, staff-facing: the queue, a tip with its candidates and duplicates, its changes (status machine,
 * priority, assignee, Admiralty grading, case link), candidate judgements, and the tipster's identity on a
 * stated reason. Need-to-know on every tip (AccessService, resource `tip`): a tip linked to a case is the
 * case's; an unlinked one is for staff who triage.
 */
@Injectable()
export class TipsService {
  constructor(
    private readonly tips: TipsRepository,
    private readonly access: AccessService,
    private readonly audit: AuditTrail,
    private readonly vault: TipsterVault,
    private readonly cases: CasesService,
    private readonly users: UsersService,
    private readonly subjects: SubjectsService,
    private readonly organizations: OrganizationsService,
    private readonly selectors: SelectorsService,
  ) {}

  async queue(ctx: RequestContext, query: TipQueueQueryDto): Promise<Page<TipSummaryDto>> {
    const filter = {
      status: query.status,
      priority: query.priority ? priorityRank(query.priority) : undefined,
      channel: query.channel,
      hasMatches: query.hasMatches,
      assigneeId: query.assigneeId?.toLowerCase(),
      receivedFrom: query.receivedFrom,
      receivedTo: query.receivedTo,
    };
    const viewer = viewerOf(ctx);
    const page = await paginateList(
      'tips',
      query,
      ['int', 'timestamp', 'uuid'],
      (after, take) => this.tips.queue(viewer, filter, after ? { priority: Number(after[0]), receivedKey: after[1], id: after[2] } : undefined, take),
      (r: TipQueueRow) => [String(r.priority), r.receivedKey, r.id],
      toSummary,
    );
    await this.audit.record(ctx, {
      action: 'tip.list',
      resourceType: 'tip',
      details: { filters: { ...query, limit: undefined, cursor: undefined }, count: page.data.length, tipIds: page.data.map((t) => t.id) },
    });
    return page;
  }

  async get(ctx: RequestContext, id: string): Promise<TipDetailDto> {
    await this.access.requireAccess(ctx, 'tip', [id], { action: 'tip.read' });
    const tip = await this.tips.findById(id);
    if (!tip) throw new TipNotFoundError(`with id ${id}`);
    const detail = await this.detail(ctx, tip);
    await this.audit.record(ctx, { action: 'tip.read', resourceType: 'tip', resourceId: id, caseId: tip.caseId ?? undefined });
    return detail;
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateTipDto): Promise<TipDetailDto> {
    const updated = await this.audit.transaction(ctx, { action: 'tip.update', resourceType: 'tip', resourceId: id }, async (tx, change) => {
      await this.access.requireAccess(ctx, 'tip', [id], { action: 'tip.update' }, tx);
      const current = await this.tips.lock(tx, id);
      if (!current) throw new TipNotFoundError(`with id ${id}`);
      assertVersion(expectedVersion, current.version);
      const patch: TipPatch = {};
      if (dto.status !== undefined && dto.status !== current.status) {
        if (current.status === 'matching') throw new TipStillMatchingError();
        if (!ALLOWED_TIP_MOVES[current.status].includes(dto.status)) throw new InvalidTipTransitionError(current.status, dto.status);
        patch.status = dto.status;
      }
      if (dto.duplicateOf !== undefined && (dto.status ?? current.status) !== 'duplicate')
        throw new DuplicateNeedsOriginalError('is given only with status duplicate');
      if (patch.status === 'duplicate') {
        const original = dto.duplicateOf?.toLowerCase();
        if (!original) throw new DuplicateNeedsOriginalError('is required with status duplicate');
        if (original === id) throw new DuplicateNeedsOriginalError('must be another tip');
        const seen = await this.access.visible(ctx.principal, 'tip', [original], tx);
        if (!seen.has(original)) throw new DuplicateNeedsOriginalError('must be a tip you may see');
        patch.duplicateOf = original;
        patch.possibleDuplicateOf = null;
      }
      if (dto.clearPossibleDuplicate === true && current.possibleDuplicateOf !== null) patch.possibleDuplicateOf = null;
      if (dto.priority !== undefined && priorityRank(dto.priority) !== current.priority) patch.priority = priorityRank(dto.priority);
      if (dto.assigneeId !== undefined && (dto.assigneeId?.toLowerCase() ?? null) !== current.assigneeId) {
        const assignee = dto.assigneeId?.toLowerCase() ?? null;
        if (assignee !== null) {
          const user = await this.users.findAccount(assignee, tx);
          if (!user) throw new AssigneeNotEligibleError('no user has this id');
          if (user.disabledAt) throw new AssigneeNotEligibleError('the account is disabled');
          if (!rolesGrant(user.roles, 'tip:triage'))
            throw new AssigneeNotEligibleError(`an account with the roles ${user.roles.join(', ')} does not triage tips`);
        }
        patch.assigneeId = assignee;
      }
      if (dto.sourceReliability !== undefined && dto.sourceReliability !== current.sourceReliability) patch.sourceReliability = dto.sourceReliability;
      if (dto.informationCredibility !== undefined && dto.informationCredibility !== current.informationCredibility)
        patch.informationCredibility = dto.informationCredibility;
      if (dto.caseId !== undefined && dto.caseId.toLowerCase() !== current.caseId) {
        const caseId = dto.caseId.toLowerCase();
        // The caller must see the case (member or supervisor); a case they may not see does not exist for them.
        try {
          await this.cases.requireReadable(ctx, caseId, 'tip.update');
        } catch (error) {
          if (error instanceof DomainError && error.status === 404) throw new TipCaseNotFoundError(caseId);
          throw error;
        }
        patch.caseId = caseId;
      }
      if (Object.keys(patch).length === 0) return current;
      const after = { ...current, ...patch };
      change.set({ before: auditView(current), after: auditView(after), caseId: after.caseId ?? undefined });
      return this.tips.update(tx, id, patch);
    });
    return this.detail(ctx, updated);
  }

  async decide(
    ctx: RequestContext,
    id: string,
    entityType: CandidateEntityType,
    entityId: string,
    status: Exclude<CandidateStatus, 'pending'>,
  ): Promise<CandidateDto> {
    const decided = await this.audit.transaction(
      ctx,
      { action: 'tip.candidate.decide', resourceType: 'tip', resourceId: id, details: { entity: `${entityType}:${entityId}` } },
      async (tx, change) => {
        await this.access.requireAccess(ctx, 'tip', [id], { action: 'tip.candidate.decide' }, tx);
        const candidate = await this.tips.lockCandidate(tx, id, entityType, entityId);
        if (!candidate) throw new CandidateNotFoundError(entityType, entityId);
        if (candidate.status === status) return candidate;
        change.set({ before: { candidate: `${entityType}:${entityId}`, status: candidate.status }, after: { candidate: `${entityType}:${entityId}`, status } });
        return this.tips.decideCandidate(tx, id, entityType, entityId, status, ctx.principal!.id);
      },
    );
    const [dto] = await this.candidateDtos([decided]);
    return dto;
  }

  /** The tipster's identity, on a stated reason, recorded before it is shown. */
  async revealTipster(ctx: RequestContext, id: string, reason: string): Promise<TipsterIdentityDto> {
    await this.access.requireAccess(ctx, 'tip', [id], { action: 'tip.tipster.reveal' });
    const sealed = await this.tips.sealedIdentity(id);
    if (!sealed) throw new TipNotFoundError(`with id ${id}`);
    const identity = sealed.tipsterIdentity ? this.vault.open(id, sealed.tipsterIdentity) : null;
    await this.audit.record(ctx, { action: 'tip.tipster.reveal', resourceType: 'tip', resourceId: id, details: { reason, anonymous: sealed.anonymous } });
    return {
      anonymous: sealed.anonymous,
      name: identity?.name ?? null,
      email: identity?.email ?? null,
      phone: identity?.phone ?? null,
      contactPreference: identity?.contactPreference ?? null,
      pseudonym: sealed.tipsterPseudonym,
    };
  }

  /**
   * For rewards: the tips of claims as they show them (reference, case, reward interest, the tipster's pseudonym —
   * never the identity), in one query. No need-to-know here: the caller checks it (a claim is visible exactly
   * when its tip is).
   */
  async rewardViews(ids: readonly string[], tx?: Tx): Promise<Map<string, TipRewardView>> {
    if (ids.length === 0) return new Map();
    const rows = await this.tips.rewardViews([...new Set(ids)], tx);
    return new Map(rows.map((r) => [r.id, r]));
  }

  /** For search: tips the caller may see, by reference or words of the narrative. */
  async search(
    ctx: RequestContext,
    term: string,
    limit: number,
  ): Promise<{ id: string; reference: string; status: TipStatus; excerpt: string; exact: boolean }[]> {
    const roles = ctx.principal?.roles ?? [];
    if (!rolesGrant(roles, 'tip:read')) return [];
    return this.tips.search(viewerOf(ctx), term, limit);
  }

  private async detail(ctx: RequestContext, tip: TipRecord): Promise<TipDetailDto> {
    const [candidates, around, otherTips] = await Promise.all([
      this.tips.candidates(tip.id),
      this.tips.duplicatesAround(viewerOf(ctx), tip),
      this.tips.sameTipsterCount(tip.id),
    ]);
    const duplicates: TipDuplicateDto[] = around.map((d) => {
      const of = d.id === tip.duplicateOf || d.id === tip.possibleDuplicateOf;
      return {
        id: d.id,
        reference: d.reference,
        status: d.status,
        relation: (of ? tip.duplicateOf === d.id : d.duplicateOf === tip.id) ? 'duplicate' : 'possible',
        direction: of ? 'of' : 'by',
        score: of ? tip.possibleDuplicateScore : d.possibleDuplicateScore,
        reason: of ? tip.possibleDuplicateReason : d.possibleDuplicateReason,
      };
    });
    return {
      ...toSummary({ ...tip, excerpt: tip.narrative.slice(0, 200) }),
      narrative: tip.narrative,
      language: tip.language,
      occurredAt: tip.occurredAt?.toISOString() ?? null,
      externalId: tip.externalId,
      integrationId: tip.integrationId,
      grading: { sourceReliability: tip.sourceReliability, informationCredibility: tip.informationCredibility },
      duplicateOf: tip.duplicateOf,
      possibleDuplicateScore: tip.possibleDuplicateScore,
      possibleDuplicateReason: tip.possibleDuplicateReason,
      tipsterOtherTips: otherTips,
      extracted: tip.extracted,
      candidates: await this.candidateDtos(candidates),
      duplicates,
      updatedAt: tip.updatedAt.toISOString(),
    };
  }

  private async candidateDtos(rows: CandidateRecord[]): Promise<CandidateDto[]> {
    const ids = (type: CandidateEntityType): string[] => rows.filter((r) => r.entityType === type).map((r) => r.entityId);
    const [subjects, organizations, selectors] = await Promise.all([
      ids('subject').length ? this.subjects.summaries(ids('subject')) : [],
      ids('organization').length ? this.organizations.summaries(ids('organization')) : [],
      ids('selector').length ? this.selectors.summaries(ids('selector')) : [],
    ]);
    const labels = new Map<string, string>([...subjects, ...organizations, ...selectors].map((s) => [s.id, s.label]));
    return rows.map((c) => ({
      entityType: c.entityType,
      entityId: c.entityId,
      label: labels.get(c.entityId) ?? '',
      score: c.score,
      why: c.reasons,
      status: c.status,
      decidedBy: c.decidedBy,
      decidedAt: c.decidedAt?.toISOString() ?? null,
    }));
  }
}

import { Injectable } from '@nestjs/common';
import { AccessService } from '../access/access.service';
import { rolesGrant } from '../access/permissions';
import { RequestContext } from '../access/request-context';
import { AuditAction, AuditTrail } from '../audit/audit-trail.service';
import { CaseRegistryService } from '../cases/case-registry.service';
import { CasesService, isSupervisor } from '../cases/cases.service';
import { assertVersion } from '../common/concurrency/if-match';
import { DomainError, ValidationFailedError } from '../common/errors/domain.error';
import { formatMoney } from '../common/money';
import { Page } from '../common/pagination/keyset';
import { paginateList } from '../common/pagination/list-cursor';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { OrganizationsService } from '../organizations/organizations.service';
import { SubjectsService } from '../subjects/subjects.service';
import { TipRewardView, TipsService } from '../tips/tips.service';
import { ApproveClaimDto, ClaimListQueryDto, ClaimResponseDto, CreateClaimDto, DenyClaimDto, PayClaimDto, toClaimResponse } from './dto/claim.dto';
import { CreateOfferDto, OfferListQueryDto, OfferResponseDto, toOfferResponse, UpdateOfferDto } from './dto/offer.dto';
import type { ClaimState } from './reward-claim.entity';
import './rewards.audit';
import {
  ALLOWED_CLAIM_MOVES,
  CapExceededError,
  ClaimNotFoundError,
  ClaimTipNotFoundError,
  CurrencyMismatchError,
  InvalidClaimTransitionError,
  NotOnCaseError,
  OfferClosedError,
  OfferNotFoundError,
  OfferReferenceNotFoundError,
  PaymentTimeError,
  RegistryEntityNotFoundError,
  SeparationOfDutiesError,
  TipNotEligibleError,
} from './rewards.errors';
import { ClaimRecord, ClaimTransition, OfferRecord, RewardsRepository } from './rewards.repository';

/** How far in the future a stated payment time may be (clock skew), as for custody events. */
const FUTURE_SLACK_MS = 5 * 60_000;

function me(ctx: RequestContext): string {
  return ctx.principal!.id;
}

/** The two-person rule of decisions: the recommender never approves or denies their own claim. */
function notTheRecommender(ctx: RequestContext, claim: ClaimRecord): void {
  if (claim.recommendedBy === me(ctx)) throw new SeparationOfDutiesError('You recommended this claim: another supervisor approves or denies it (two-person rule)');
}

/** What the audit trail records of a claim's state (the amount goes in every transition's details). */
function claimAuditView(c: ClaimRecord): Record<string, unknown> {
  return {
    state: c.state,
    approvedBy: c.approvedBy,
    approvalNote: c.approvalNote,
    deniedBy: c.deniedBy,
    denialReason: c.denialReason,
    paidBy: c.paidBy,
    paidAt: c.paidAt?.toISOString() ?? null,
    paymentReference: c.paymentReference,
  };
}

/** The money of a claim as its audit records carry it. */
function claimMoney(c: Pick<ClaimRecord, 'amount' | 'currency' | 'offerId' | 'tipId'>): Record<string, unknown> {
  return { amount: { amount: c.amount, currency: c.currency }, display: formatMoney(c.amount, c.currency), offerId: c.offerId, tipId: c.tipId };
}

/**
 * Reward offers and claims (DESIGN §5 "Reward"). Offers are the unit's reference data: supervisors create, close
 * and reopen them; investigators read them. A claim on a tip falls under the tip's need-to-know (AccessService,
 * resource `reward-claim`). The two-person rules (the recommender never decides; the approver never pays) and the
 * cap (approved + paid ≤ the offer's maximum, under the offer's row lock, and again by the database's own check)
 * hold in every transition, each committed with its audit record and the amount.
 */
@Injectable()
export class RewardsService {
  constructor(
    private readonly rewards: RewardsRepository,
    private readonly access: AccessService,
    private readonly audit: AuditTrail,
    private readonly tips: TipsService,
    private readonly cases: CasesService,
    private readonly registry: CaseRegistryService,
    private readonly subjects: SubjectsService,
    private readonly organizations: OrganizationsService,
  ) {}

  // ---- offers ----

  async createOffer(ctx: RequestContext, dto: CreateOfferDto): Promise<OfferResponseDto> {
    const subjectIds = (dto.subjectIds ?? []).map((s) => s.toLowerCase());
    const organizationIds = (dto.organizationIds ?? []).map((o) => o.toLowerCase());
    if (subjectIds.length === 0 && organizationIds.length === 0) {
      throw new ValidationFailedError([{ field: 'subjectIds', message: 'an offer covers at least one subject or organization (subjectIds, organizationIds)' }]);
    }
    const id = newId();
    return this.audit.transaction(ctx, { action: 'reward.offer.create', resourceType: 'reward-offer', resourceId: id }, async (tx, change) => {
      const labels = await this.labels(subjectIds, organizationIds, tx);
      const missingSubjects = subjectIds.filter((s) => !labels.has(s));
      if (missingSubjects.length > 0) throw new RegistryEntityNotFoundError('subjectIds', missingSubjects);
      const missingOrganizations = organizationIds.filter((o) => !labels.has(o));
      if (missingOrganizations.length > 0) throw new RegistryEntityNotFoundError('organizationIds', missingOrganizations);
      const { amount, currency } = dto.maxAmount;
      change.set({
        before: null,
        after: { program: dto.program, description: dto.description ?? '', maxAmount: { amount, currency }, status: 'open', subjectIds, organizationIds },
        details: { display: formatMoney(amount, currency) },
      });
      const row = await this.rewards.insertOffer(tx, {
        id,
        program: dto.program,
        description: dto.description ?? '',
        maxAmount: amount,
        currency,
        createdBy: me(ctx),
        subjectIds,
        organizationIds,
      });
      return toOfferResponse(row, labels);
    });
  }

  async getOffer(id: string): Promise<OfferResponseDto> {
    const offer = await this.rewards.findOffer(id);
    if (!offer) throw new OfferNotFoundError(id);
    return toOfferResponse(offer, await this.labels(offer.subjectIds, offer.organizationIds));
  }

  async listOffers(query: OfferListQueryDto): Promise<Page<OfferResponseDto>> {
    const page = await paginateList(
      `offers:${query.status ?? ''}`,
      query,
      ['uuid'],
      (after, take) => this.rewards.listOffers(query.status, after?.[0], take),
      (r) => [r.id],
      (r) => r,
    );
    const labels = await this.labels(
      page.data.flatMap((o) => o.subjectIds),
      page.data.flatMap((o) => o.organizationIds),
    );
    return { data: page.data.map((o) => toOfferResponse(o, labels)), nextCursor: page.nextCursor };
  }

  /** Close, reopen or re-describe an offer (If-Match). A closed offer takes no claims and approves none; approved claims can still be paid. */
  async updateOffer(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateOfferDto): Promise<OfferResponseDto> {
    return this.audit.transaction(ctx, { action: 'reward.offer.update', resourceType: 'reward-offer', resourceId: id }, async (tx, change) => {
      const locked = await this.rewards.lockOffer(tx, id, 'update');
      if (!locked) throw new OfferNotFoundError(id);
      assertVersion(expectedVersion, locked.version);
      const current = (await this.rewards.findOffer(id, tx))!;
      const next = { status: dto.status ?? current.status, description: dto.description ?? current.description };
      let row: OfferRecord = current;
      if (next.status !== current.status || next.description !== current.description) {
        change.set({
          before: { status: current.status, description: current.description },
          after: next,
          details: { committed: { amount: current.committedAmount, currency: current.currency }, display: formatMoney(current.committedAmount, current.currency) },
        });
        row = await this.rewards.updateOffer(tx, id, next);
      }
      return toOfferResponse(row, await this.labels(row.subjectIds, row.organizationIds, tx));
    });
  }

  // ---- claims ----

  /**
   * Recommends a claim: by a supervisor, or by an investigator who is the lead or a member of the tip's case. The
   * tip must be one the caller may see, not a duplicate, and either asked for a reward or be linked to a case that
   * is linked to a subject or organization the offer covers. The offer must be open, the currency its own, and the
   * amount within what it has left now (approval checks again, under lock).
   */
  async recommend(ctx: RequestContext, dto: CreateClaimDto): Promise<ClaimResponseDto> {
    const tipId = dto.tipId.toLowerCase();
    const offerId = dto.offerId.toLowerCase();
    const id = newId();
    const action: AuditAction = 'reward.claim.recommend';
    return this.audit.transaction(ctx, { action, resourceType: 'reward-claim', resourceId: id, details: { tipId, offerId } }, async (tx, change) => {
      const tip = await this.visibleTip(ctx, tipId, action, tx);
      change.set({ caseId: tip.caseId ?? undefined });
      if (!isSupervisor(ctx)) {
        if (!tip.caseId) throw new NotOnCaseError();
        try {
          await this.cases.requireWritable(tx, ctx, tip.caseId, action, { allowClosed: true });
        } catch (e) {
          if (e instanceof DomainError && e.status === 403) throw new NotOnCaseError();
          throw e;
        }
      }
      // FOR SHARE: the offer cannot be closed under this claim; approvals (FOR UPDATE) wait for it, and it for them.
      const offer = await this.rewards.lockOffer(tx, offerId, 'share');
      if (!offer) throw new OfferReferenceNotFoundError(offerId);
      if (offer.status === 'closed') throw new OfferClosedError('it takes no new claims');
      if (dto.amount.currency !== offer.currency) throw new CurrencyMismatchError(dto.amount.currency, offer.currency);
      const remaining = offer.maxAmount - offer.committedAmount;
      if (dto.amount.amount > remaining) throw new CapExceededError({ requested: dto.amount.amount, remaining, currency: offer.currency });
      await this.assertEligible(tip, offerId, tx);
      const money = { amount: dto.amount.amount, currency: offer.currency, offerId, tipId };
      change.set({ before: null, after: { state: 'recommended', justification: dto.justification }, details: claimMoney(money) });
      const row = await this.rewards.insertClaim(tx, { id, offerId, tipId, amount: dto.amount.amount, justification: dto.justification, recommendedBy: me(ctx) });
      return toClaimResponse(row, tip);
    });
  }

  /** Approves a claim: not by its recommender; the offer open and the amount within what it has left, under the offer's row lock. */
  async approve(ctx: RequestContext, id: string, dto: ApproveClaimDto): Promise<ClaimResponseDto> {
    return this.decide(ctx, id, 'approved', 'reward.claim.approve', async (tx, claim, tip) => {
      notTheRecommender(ctx, claim);
      // The tip may have been marked a duplicate since the recommendation: the original is the one to reward.
      if (tip.status === 'duplicate') throw new TipNotEligibleError('it was marked a duplicate of another tip after the recommendation (deny this claim; recommend the original)');
      // Approvals of one offer queue on its row: each sees the committed total the one before left.
      const offer = (await this.rewards.lockOffer(tx, claim.offerId, 'update'))!;
      if (offer.status === 'closed') throw new OfferClosedError('no claim on it is approved any more (deny the claims still open; approved ones can still be paid)');
      const remaining = offer.maxAmount - offer.committedAmount;
      if (claim.amount > remaining) throw new CapExceededError({ requested: claim.amount, remaining, currency: offer.currency });
      return {
        transition: { to: 'approved', by: me(ctx), note: dto.note ?? null },
        details: { committedBefore: offer.committedAmount, committedAfter: offer.committedAmount + claim.amount, maxAmount: offer.maxAmount },
      };
    });
  }

  async deny(ctx: RequestContext, id: string, dto: DenyClaimDto): Promise<ClaimResponseDto> {
    return this.decide(ctx, id, 'denied', 'reward.claim.deny', async (_tx, claim) => {
      notTheRecommender(ctx, claim);
      return { transition: { to: 'denied', by: me(ctx), reason: dto.reason } };
    });
  }

  /** Records the payment of an approved claim, once: not by its approver (a second pair of eyes on the money). */
  async pay(ctx: RequestContext, id: string, dto: PayClaimDto): Promise<ClaimResponseDto> {
    return this.decide(ctx, id, 'paid', 'reward.claim.pay', async (_tx, claim) => {
      if (claim.approvedBy === me(ctx)) throw new SeparationOfDutiesError('You approved this claim: another supervisor records its payment (a second pair of eyes on the money)');
      if (dto.paidAt.getTime() > Date.now() + FUTURE_SLACK_MS) throw new PaymentTimeError('must not be in the future');
      if (claim.approvedAt && dto.paidAt.getTime() < claim.approvedAt.getTime()) throw new PaymentTimeError(`must not be before the approval (${claim.approvedAt.toISOString()})`);
      return { transition: { to: 'paid', by: me(ctx), paidAt: dto.paidAt, paymentReference: dto.paymentReference } };
    });
  }

  async getClaim(ctx: RequestContext, id: string): Promise<ClaimResponseDto> {
    await this.access.requireAccess(ctx, 'reward-claim', [id], { action: 'reward.claim.read' });
    const claim = await this.rewards.findClaim(id);
    if (!claim) throw new ClaimNotFoundError(id);
    const tip = (await this.tips.rewardViews([claim.tipId])).get(claim.tipId)!;
    await this.audit.record(ctx, { action: 'reward.claim.read', resourceType: 'reward-claim', resourceId: id, caseId: tip.caseId ?? undefined, details: claimMoney(claim) });
    return toClaimResponse(claim, tip);
  }

  /** Claims the caller may see (their tips' need-to-know, in SQL), newest first; filters offer, state, recommender. Audited with the ids shown. */
  async listClaims(ctx: RequestContext, query: ClaimListQueryDto): Promise<Page<ClaimResponseDto>> {
    const filter = { offerId: query.offerId?.toLowerCase(), state: query.state, recommendedBy: query.recommendedBy?.toLowerCase() };
    const roles = ctx.principal?.roles ?? [];
    const viewer = { userId: me(ctx), seesAll: rolesGrant(roles, 'case:read-all'), triage: rolesGrant(roles, 'tip:triage') };
    const page = await paginateList(
      `claims:${filter.offerId ?? ''}:${filter.state ?? ''}:${filter.recommendedBy ?? ''}`,
      query,
      ['uuid'],
      (after, take) => this.rewards.listClaims(viewer, filter, after?.[0], take),
      (r) => [r.id],
      (r) => r,
    );
    const tips = await this.tips.rewardViews(page.data.map((c) => c.tipId));
    await this.audit.record(ctx, {
      action: 'reward.claim.list',
      resourceType: 'reward-claim',
      details: { filters: filter, count: page.data.length, claimIds: page.data.map((c) => c.id) },
    });
    return { data: page.data.map((c) => toClaimResponse(c, tips.get(c.tipId)!)), nextCursor: page.nextCursor };
  }

  // ---- helpers ----

  /**
   * One decision on a claim, in one transaction with its audit record: need-to-know (404), the claim's row locked
   * (decisions on one claim queue; the second of two identical ones meets the state the first left: 409 naming the
   * allowed moves), then the action's own rules, then the move, which the database checks once more.
   */
  private async decide(
    ctx: RequestContext,
    id: string,
    to: ClaimState,
    action: AuditAction,
    rules: (tx: Tx, claim: ClaimRecord, tip: TipRewardView) => Promise<{ transition: ClaimTransition; details?: Record<string, unknown> }>,
  ): Promise<ClaimResponseDto> {
    return this.audit.transaction(ctx, { action, resourceType: 'reward-claim', resourceId: id }, async (tx, change) => {
      await this.access.requireAccess(ctx, 'reward-claim', [id], { action }, tx);
      const claim = await this.rewards.lockClaim(tx, id);
      if (!claim) throw new ClaimNotFoundError(id);
      const tip = (await this.tips.rewardViews([claim.tipId], tx)).get(claim.tipId)!;
      change.set({ caseId: tip.caseId ?? undefined, details: claimMoney(claim) });
      if (!ALLOWED_CLAIM_MOVES[claim.state].includes(to)) throw new InvalidClaimTransitionError(claim.state, to);
      const { transition, details } = await rules(tx, claim, tip);
      const after = { ...claim, state: to };
      if (transition.to === 'approved') Object.assign(after, { approvedBy: transition.by, approvalNote: transition.note });
      if (transition.to === 'denied') Object.assign(after, { deniedBy: transition.by, denialReason: transition.reason });
      if (transition.to === 'paid') Object.assign(after, { paidBy: transition.by, paidAt: transition.paidAt, paymentReference: transition.paymentReference });
      change.set({ before: claimAuditView(claim), after: claimAuditView(after), details: { ...claimMoney(claim), ...details } });
      const updated = await this.rewards.transition(tx, id, claim.state, transition);
      return toClaimResponse(updated, tip);
    });
  }

  /** The tip of a new claim, when the caller may see it (422 otherwise: it is named in the body; the denial is recorded). */
  private async visibleTip(ctx: RequestContext, tipId: string, action: AuditAction, tx: Tx): Promise<TipRewardView> {
    try {
      await this.access.requireAccess(ctx, 'tip', [tipId], { action }, tx);
    } catch (e) {
      if (e instanceof DomainError && e.status === 404) throw new ClaimTipNotFoundError(tipId);
      throw e;
    }
    const tip = (await this.tips.rewardViews([tipId], tx)).get(tipId);
    if (!tip) throw new ClaimTipNotFoundError(tipId);
    return tip;
  }

  /**
   * A tip may be rewarded from an offer when it is not a duplicate, and either the tipster asked for a reward
   * (`rewardInterest`) or the tip is linked to a case that is linked to at least one subject or organization the
   * offer covers.
   */
  private async assertEligible(tip: TipRewardView, offerId: string, tx: Tx): Promise<void> {
    if (tip.status === 'duplicate') throw new TipNotEligibleError('it is a duplicate of another tip (recommend the original)');
    if (tip.rewardInterest) return;
    if (!tip.caseId) throw new TipNotEligibleError('the tipster did not ask for a reward, and the tip is linked to no case');
    const covered = await this.rewards.offerCoverage(offerId, tx);
    if (!(await this.registry.linksAny(tip.caseId, covered.subjectIds, covered.organizationIds, tx))) {
      throw new TipNotEligibleError("the tipster did not ask for a reward, and the tip's case is linked to none of the subjects or organizations the offer covers");
    }
  }

  /** Registry labels of subjects and organizations, by id (those that exist). */
  private async labels(subjectIds: readonly string[], organizationIds: readonly string[], tx?: Tx): Promise<Map<string, string>> {
    // One after the other: in a transaction they share its connection.
    const subjects = await this.subjects.summaries([...new Set(subjectIds)], tx);
    const organizations = await this.organizations.summaries([...new Set(organizationIds)], tx);
    return new Map([...subjects, ...organizations].map((e) => [e.id, e.label]));
  }
}

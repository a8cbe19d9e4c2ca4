import { Inject, Injectable } from '@nestjs/common';
import { NotFoundError } from '../common/errors/domain.error';
import type { Tx } from '../database/database';
import { ACCESS_DENIAL_RECORDER, AccessDenialRecorder } from './access-denial-recorder';
import { AccessRepository } from './access.repository';
import { rolesGrant } from './permissions';
import { Principal, RequestContext } from './request-context';

/** What need-to-know guards. Each adds a case to `visible()` and a query to AccessRepository. */
export type AccessResource = 'case' | 'evidence' | 'tip' | 'reward-claim';

/** The audit action the checked request was about (`case.read`, `note.create`…): the denial is recorded under it. */
export interface AccessAttempt {
  action: string;
  /** The case the resources belong to, for the denial's record. */
  caseId?: string;
}

/**
 * Need-to-know, in the style of immich's access utilities: batched checks per resource type,
 * `(principal, ids) → Set<visible id>` in one query per batch, and `requireAccess()`, which answers 404 for
 * anything not visible and records the denial exactly once.
 */
@Injectable()
export class AccessService {
  constructor(
    private readonly repository: AccessRepository,
    @Inject(ACCESS_DENIAL_RECORDER) private readonly denials: AccessDenialRecorder,
  ) {}

  /** Of `ids`, those the principal may see. */
  async visible(principal: Principal | undefined, resource: AccessResource, ids: readonly string[], tx?: Tx): Promise<Set<string>> {
    const unique = [...new Set(ids)];
    if (!principal || principal.kind !== 'user' || unique.length === 0) return new Set();
    switch (resource) {
      case 'case':
        if (rolesGrant(principal.roles, 'case:read-all')) return new Set(unique);
        if (!rolesGrant(principal.roles, 'case:read')) return new Set();
        return this.repository.caseMemberships(principal.id, unique, tx);
      case 'evidence':
        // An item of evidence is visible exactly when its case is.
        if (rolesGrant(principal.roles, 'case:read-all')) return new Set(unique);
        if (!rolesGrant(principal.roles, 'case:read')) return new Set();
        return this.repository.evidenceOfMemberCases(principal.id, unique, tx);
      case 'tip':
        // Unlinked tips: staff who triage. Linked tips: the case's need-to-know (its members, and supervisors).
        return this.repository.visibleTips(principal.id, unique, { seesAll: rolesGrant(principal.roles, 'case:read-all'), triage: rolesGrant(principal.roles, 'tip:triage') }, tx);
      case 'reward-claim':
        // A reward claim is visible exactly when its tip is (the tip's case's need-to-know, once linked).
        if (!rolesGrant(principal.roles, 'reward:read')) return new Set();
        return this.repository.visibleClaims(principal.id, unique, { seesAll: rolesGrant(principal.roles, 'case:read-all'), triage: rolesGrant(principal.roles, 'tip:triage') }, tx);
    }
  }

  /**
   * Passes when the caller may see every one of `ids`; otherwise records the attempt once as denied and
   * answers 404 (for the caller, what it may not see does not exist).
   */
  async requireAccess(ctx: RequestContext, resource: AccessResource, ids: readonly string[], attempt: AccessAttempt, tx?: Tx): Promise<void> {
    const visible = await this.visible(ctx.principal, resource, ids, tx);
    const hidden = ids.find((id) => !visible.has(id));
    if (hidden === undefined) return;
    const error = new NotFoundError(resource, hidden);
    await this.denials.recordDenial(
      ctx,
      { action: attempt.action, resourceType: resource, resourceId: hidden, caseId: attempt.caseId ?? (resource === 'case' ? hidden : undefined), details: { reason: 'need to know' } },
      error,
    );
    throw error;
  }
}

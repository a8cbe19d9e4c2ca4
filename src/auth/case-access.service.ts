import { Injectable } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { AuditTrail } from '../audit/audit-trail.service';
import { NotFoundError } from '../common/errors/domain.error';
import { Principal, RequestContext } from '../access/request-context';
import { rolesGrant } from '../access/permissions';

/**
 * Need-to-know: a case and everything under it is visible only to its members and to supervisors. For
 * anyone else it does not exist (404, audited as denied). One query for a whole set of case ids.
 */
@Injectable()
export class CaseAccessService {
  constructor(
    private readonly dataSource: DataSource,
    private readonly audit: AuditTrail,
  ) {}

  /** Of `caseIds`, those the principal may see. */
  async visibleCaseIds(principal: Principal | undefined, caseIds: readonly string[]): Promise<Set<string>> {
    if (!principal || principal.kind !== 'user' || caseIds.length === 0) return new Set();
    if (rolesGrant(principal.roles, 'case:read-all')) return new Set(caseIds);
    if (!rolesGrant(principal.roles, 'case:read')) return new Set();
    const rows: { case_id: string }[] = await this.dataSource.query('SELECT case_id FROM case_member WHERE user_id = $1 AND case_id = ANY($2::uuid[])', [principal.id, caseIds]);
    return new Set(rows.map((r) => r.case_id));
  }

  /** Passes when the caller may see the case; otherwise audits the attempt and answers 404. */
  async assertVisible(ctx: RequestContext, caseId: string, action: string): Promise<void> {
    const visible = await this.visibleCaseIds(ctx.principal, [caseId]);
    if (visible.has(caseId)) return;
    await this.audit.record(ctx, { action, outcome: 'denied', resourceType: 'case', resourceId: caseId, caseId, details: { reason: 'not a member of the case' } });
    throw new NotFoundError('case', caseId);
  }
}

import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { OrganizationsService } from '../organizations/organizations.service';
import { SubjectsService } from '../subjects/subjects.service';
import { paginateList } from '../common/pagination/list-cursor';
import { CaseRegistryRepository, RegistryKind } from './case-registry.repository';
import './cases.audit';
import { RegistryLinkNotFoundError } from './cases.errors';
import { CasesService, isSupervisor } from './cases.service';
import { LinkedCaseResponseDto, RegistryLinkListQueryDto, RegistryLinkResponseDto, toLinkedCaseResponse, toRegistryLinkResponse } from './dto/registry-link.dto';

const ACTIONS = {
  subject: { link: 'case-subject.link', unlink: 'case-subject.unlink', list: 'case-subject.list', casesOf: 'subject.cases.list' },
  organization: { link: 'case-organization.link', unlink: 'case-organization.unlink', list: 'case-organization.list', casesOf: 'organization.cases.list' },
} as const;

/**
 * The registry entities of a case (`/cases/:id/subjects`, `/cases/:id/organizations`): members other than
 * viewers link and unlink, members read — need-to-know as everywhere under a case. And the other way round,
 * the cases an entity is in, only as far as the caller may see them.
 */
@Injectable()
export class CaseRegistryService {
  constructor(
    private readonly links: CaseRegistryRepository,
    private readonly cases: CasesService,
    private readonly subjects: SubjectsService,
    private readonly organizations: OrganizationsService,
    private readonly audit: AuditTrail,
  ) {}

  async link(ctx: RequestContext, kind: RegistryKind, caseId: string, entityId: string, reason: string | undefined): Promise<RegistryLinkResponseDto> {
    const id = entityId.toLowerCase();
    return this.audit.transaction(ctx, { action: ACTIONS[kind].link, resourceType: kind, resourceId: id, caseId }, async (tx, change) => {
      await this.cases.requireWritable(tx, ctx, caseId, ACTIONS[kind].link);
      change.set({ before: null, after: { [`${kind}Id`]: id, reason: reason ?? null } });
      const created = await this.links.insert(tx, kind, { caseId, entityId: id, reason: reason ?? null, addedBy: ctx.principal!.id });
      return toRegistryLinkResponse(kind, created, (await this.labels(kind, [id])).get(id) ?? '');
    });
  }

  async unlink(ctx: RequestContext, kind: RegistryKind, caseId: string, entityId: string, expectedVersion: number): Promise<void> {
    const id = entityId.toLowerCase();
    await this.audit.transaction(ctx, { action: ACTIONS[kind].unlink, resourceType: kind, resourceId: id, caseId }, async (tx, change) => {
      await this.cases.requireWritable(tx, ctx, caseId, ACTIONS[kind].unlink);
      const found = await this.links.lock(tx, kind, caseId, id);
      if (!found) throw new RegistryLinkNotFoundError(kind, id);
      assertVersion(expectedVersion, found.version);
      change.set({ before: { [`${kind}Id`]: id, reason: found.reason }, after: null });
      await this.links.delete(tx, kind, caseId, id);
    });
  }

  async list(ctx: RequestContext, kind: RegistryKind, caseId: string, query: RegistryLinkListQueryDto): Promise<Page<RegistryLinkResponseDto>> {
    await this.cases.requireReadable(ctx, caseId, ACTIONS[kind].list);
    const rows = await paginateList(`${kind}s:${caseId}`, query, ['timestamp', 'uuid'], (after, take) => this.links.list(kind, caseId, after, take), (r) => [r.addedKey, r.entityId], (r) => r);
    const labels = await this.labels(kind, rows.data.map((r) => r.entityId));
    await this.audit.record(ctx, { action: ACTIONS[kind].list, resourceType: 'case', resourceId: caseId, caseId, details: { count: rows.data.length } });
    return { data: rows.data.map((r) => toRegistryLinkResponse(kind, r, labels.get(r.entityId) ?? '')), nextCursor: rows.nextCursor };
  }

  /** The cases an entity is linked to: every one for a supervisor, else only the caller's own cases. */
  async casesOf(ctx: RequestContext, kind: RegistryKind, entityId: string, query: RegistryLinkListQueryDto): Promise<Page<LinkedCaseResponseDto>> {
    const id = entityId.toLowerCase();
    if (kind === 'subject') await this.subjects.get(id);
    else await this.organizations.get(id);
    const viewer = { userId: ctx.principal!.id, all: isSupervisor(ctx) };
    const page = await paginateList(`cases-of-${kind}:${id}`, query, ['timestamp', 'uuid'], (after, take) => this.links.casesOf(kind, id, viewer, after, take), (r) => [r.addedKey, r.caseId], toLinkedCaseResponse);
    await this.audit.record(ctx, { action: ACTIONS[kind].casesOf, resourceType: kind, resourceId: id, details: { caseIds: page.data.map((c) => c.id) } });
    return page;
  }

  /**
   * Whether the case is linked to at least one of these registry subjects or organizations (a reward offer
   * covering the case's people). No need-to-know here: the caller has checked it.
   */
  async linksAny(caseId: string, subjectIds: readonly string[], organizationIds: readonly string[], tx?: Tx): Promise<boolean> {
    if (subjectIds.length === 0 && organizationIds.length === 0) return false;
    return this.links.linksAny(caseId, subjectIds, organizationIds, tx);
  }

  private async labels(kind: RegistryKind, ids: string[]): Promise<Map<string, string>> {
    if (ids.length === 0) return new Map();
    const found = kind === 'subject' ? await this.subjects.summaries(ids) : await this.organizations.summaries(ids);
    return new Map(found.map((f) => [f.id, f.label]));
  }
}

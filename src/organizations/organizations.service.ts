import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page, paginate } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { normalizeDomain } from '../selectors/selector-normalizers';
import { CreateOrganizationDto, OrganizationListQueryDto, OrganizationResponseDto, toOrganizationResponse, UpdateOrganizationDto, WebsiteDto } from './dto/organization.dto';
import type { OrganizationKind, OrganizationWebsite } from './organization.entity';
import './organizations.audit';
import { InvalidWebsiteError, OrganizationNotFoundError } from './organizations.errors';
import { OrganizationFields, OrganizationNameMatch, OrganizationRecord, OrganizationsRepository } from './organizations.repository';

export type { OrganizationNameMatch } from './organizations.repository';

function fieldsOf(r: OrganizationRecord): OrganizationFields {
  return { name: r.name, aliases: r.aliases, country: r.country, kind: r.kind, sanctions: r.sanctions, websites: r.websites, description: r.description };
}

/** Website domains normalised like domain selectors (bare lower-case host, punycode, public-suffix aware). */
function websitesOf(websites: WebsiteDto[]): OrganizationWebsite[] {
  return websites.map((w, i) => {
    const domain = normalizeDomain(w.domain);
    if (!domain.ok) throw new InvalidWebsiteError(i, domain.reason);
    return { domain: domain.normalizedValue, status: w.status, seizedAt: w.status === 'seized' ? (w.seizedAt ?? null) : null };
  });
}

/** Companies and bodies in the shared entity registry. */
@Injectable()
export class OrganizationsService {
  constructor(
    private readonly organizations: OrganizationsRepository,
    private readonly audit: AuditTrail,
  ) {}

  async create(ctx: RequestContext, dto: CreateOrganizationDto): Promise<OrganizationResponseDto> {
    const id = newId();
    const fields: OrganizationFields = {
      name: dto.name,
      aliases: (dto.aliases ?? []).map((a) => ({ name: a.name, source: a.source ?? null })),
      country: dto.country ?? null,
      kind: dto.kind,
      sanctions: (dto.sanctions ?? []).map((s) => ({ program: s.program, list: s.list, date: s.date ?? null })),
      websites: websitesOf(dto.websites ?? []),
      description: dto.description ?? null,
    };
    return this.audit.transaction(ctx, { action: 'organization.create', resourceType: 'organization', resourceId: id }, async (tx, change) => {
      change.set({ before: null, after: { ...fields } });
      return toOrganizationResponse(await this.organizations.insert(tx, id, fields, ctx.principal?.id ?? null));
    });
  }

  async get(id: string): Promise<OrganizationResponseDto> {
    const found = await this.organizations.findById(id);
    if (!found) throw new OrganizationNotFoundError(id);
    return toOrganizationResponse(found);
  }

  async list(query: OrganizationListQueryDto): Promise<Page<OrganizationResponseDto>> {
    return paginate(query, ['string'], (after, take) => this.organizations.list({ kind: query.kind, country: query.country }, after?.[0] as string | undefined, take), (o) => [o.id], toOrganizationResponse);
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateOrganizationDto): Promise<OrganizationResponseDto> {
    const websites = dto.websites ? websitesOf(dto.websites) : undefined;
    return this.audit.transaction(ctx, { action: 'organization.update', resourceType: 'organization', resourceId: id }, async (tx, change) => {
      const current = await this.organizations.lock(tx, id);
      if (!current) throw new OrganizationNotFoundError(id);
      assertVersion(expectedVersion, current.version);
      const patch: Partial<OrganizationFields> = {
        name: dto.name,
        aliases: dto.aliases?.map((a) => ({ name: a.name, source: a.source ?? null })),
        country: dto.country,
        kind: dto.kind,
        sanctions: dto.sanctions?.map((s) => ({ program: s.program, list: s.list, date: s.date ?? null })),
        websites,
        description: dto.description,
      };
      const before = fieldsOf(current);
      change.set({ before: { ...before }, after: { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) } });
      return toOrganizationResponse(await this.organizations.update(tx, id, patch));
    });
  }

  async summaries(ids: readonly string[], tx?: Tx): Promise<{ id: string; label: string; kind: OrganizationKind }[]> {
    return this.organizations.summaries(ids, tx);
  }

  async searchByName(term: string, limit: number): Promise<OrganizationNameMatch[]> {
    return this.organizations.searchNames(term, limit);
  }

  /** For tip matching: for each phrase, the organizations one of whose names holds it (word similarity ≥ minScore). */
  async namesMentioned(phrases: readonly string[], minScore: number, tx?: Tx): Promise<{ term: string; id: string; matchedName: string; matchedKind: 'name' | 'alias'; score: number }[]> {
    return this.organizations.namesMentioned(phrases, minScore, tx);
  }
}

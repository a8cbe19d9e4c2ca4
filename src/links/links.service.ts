import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page, paginate } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { OrganizationsService } from '../organizations/organizations.service';
import { SelectorsService } from '../selectors/selectors.service';
import { SubjectsService } from '../subjects/subjects.service';
import { CreateLinkDto, GraphQueryDto, GraphResponseDto, LinkListQueryDto, LinkResponseDto, toLinkResponse, UpdateLinkDto } from './dto/link.dto';
import { endpointProblem, EntityType, LinkKind, parseEntityRef } from './link-rules';
import './links.audit';
import { EndpointNotFoundError, GraphRootNotFoundError, InvalidEndpointError, InvalidPeriodError, LinkNotFoundError } from './links.errors';
import { LinkPatch, LinksRepository } from './links.repository';

function auditView(l: { kind: string; fromType: string; fromId: string; toType: string; toId: string; validFrom: string | null; validTo: string | null; confidence: number; source: string; description: string | null }): Record<string, unknown> {
  return { kind: l.kind, from: `${l.fromType}:${l.fromId}`, to: `${l.toType}:${l.toId}`, validFrom: l.validFrom, validTo: l.validTo, confidence: l.confidence, source: l.source, description: l.description };
}

/** Typed, dated, sourced edges between registry entities, and the graph they make. */
@Injectable()
export class LinksService {
  constructor(
    private readonly links: LinksRepository,
    private readonly audit: AuditTrail,
    private readonly subjects: SubjectsService,
    private readonly organizations: OrganizationsService,
    private readonly selectors: SelectorsService,
  ) {}

  async create(ctx: RequestContext, dto: CreateLinkDto): Promise<LinkResponseDto> {
    const problem = endpointProblem(dto.kind, dto.from.type, dto.to.type);
    if (problem) throw new InvalidEndpointError(problem.field, problem.message);
    const validFrom = dto.validFrom ?? null;
    const validTo = dto.validTo ?? null;
    if (validFrom && validTo && validTo < validFrom) throw new InvalidPeriodError();
    const fromId = dto.from.id.toLowerCase();
    const toId = dto.to.id.toLowerCase();
    if (fromId === toId) throw new InvalidEndpointError('to', 'a link joins two different entities');
    // Registry entities are never deleted, so an end found now stays.
    const found = await this.labels([
      { type: dto.from.type, id: fromId },
      { type: dto.to.type, id: toId },
    ]);
    if (!found.has(fromId)) throw new EndpointNotFoundError('from', dto.from.type, fromId);
    if (!found.has(toId)) throw new EndpointNotFoundError('to', dto.to.type, toId);
    const id = newId();
    const link = { id, kind: dto.kind, fromType: dto.from.type, fromId, toType: dto.to.type, toId, validFrom, validTo, confidence: dto.confidence, source: dto.source, description: dto.description ?? null };
    return this.audit.transaction(ctx, { action: 'link.create', resourceType: 'link', resourceId: id }, async (tx, change) => {
      change.set({ before: null, after: auditView(link) });
      return toLinkResponse(await this.links.insert(tx, link, ctx.principal?.id ?? null));
    });
  }

  async get(id: string): Promise<LinkResponseDto> {
    const found = await this.links.findById(id);
    if (!found) throw new LinkNotFoundError(id);
    return toLinkResponse(found);
  }

  async list(query: LinkListQueryDto): Promise<Page<LinkResponseDto>> {
    const entityId = query.entity ? parseEntityRef(query.entity)?.id : undefined;
    return paginate(query, ['string'], (after, take) => this.links.list({ entityId, kind: query.kind }, after?.[0] as string | undefined, take), (l) => [l.id], toLinkResponse);
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateLinkDto): Promise<LinkResponseDto> {
    return this.audit.transaction(ctx, { action: 'link.update', resourceType: 'link', resourceId: id }, async (tx, change) => {
      const current = await this.links.lock(tx, id);
      if (!current) throw new LinkNotFoundError(id);
      assertVersion(expectedVersion, current.version);
      const patch: LinkPatch = { validFrom: dto.validFrom, validTo: dto.validTo, confidence: dto.confidence, source: dto.source, description: dto.description };
      const after = { ...current, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      if (after.validFrom && after.validTo && after.validTo < after.validFrom) throw new InvalidPeriodError();
      change.set({ before: auditView(current), after: auditView(after) });
      return toLinkResponse(await this.links.update(tx, id, patch));
    });
  }

  /** The entities within `depth` links of the root, and the links between them (capped; `truncated` says so). */
  async graph(query: GraphQueryDto): Promise<GraphResponseDto> {
    const root = parseEntityRef(query.root)!;
    const kinds = query.kinds ? ([...new Set(query.kinds.split(','))] as LinkKind[]) : undefined;
    const walk = await this.links.walk(root, query.depth, kinds);
    const labels = await this.labels(walk.nodes);
    if (!labels.has(root.id)) throw new GraphRootNotFoundError(root.type, root.id);
    return {
      root,
      depth: query.depth,
      nodes: walk.nodes.filter((n) => labels.has(n.id)).map((n) => ({ type: n.type, id: n.id, depth: n.depth, ...labels.get(n.id)! })),
      edges: walk.edges.map((e) => ({ id: e.id, kind: e.kind, from: { type: e.fromType, id: e.fromId }, to: { type: e.toType, id: e.toId }, confidence: e.confidence, validFrom: e.validFrom, validTo: e.validTo })),
      truncated: walk.truncated,
    };
  }

  /** For tip matching: the subjects and organizations that use or own these selectors, and their employers. */
  async holdersOf(selectorIds: readonly string[], tx?: Tx): Promise<{ selectorId: string; kind: LinkKind; entityType: EntityType; entityId: string; confidence: number; via: string | null }[]> {
    return this.links.holdersOf(selectorIds, tx);
  }

  /** Label and detail of each entity that exists, by id: one batched query per type. */
  private async labels(refs: readonly { type: EntityType; id: string }[]): Promise<Map<string, { label: string; detail: string }>> {
    const ids = (type: EntityType): string[] => refs.filter((r) => r.type === type).map((r) => r.id);
    const [subjects, organizations, selectors] = await Promise.all([this.subjects.summaries(ids('subject')), this.organizations.summaries(ids('organization')), this.selectors.summaries(ids('selector'))]);
    const out = new Map<string, { label: string; detail: string }>();
    for (const s of subjects) out.set(s.id, { label: s.label, detail: s.status });
    for (const o of organizations) out.set(o.id, { label: o.label, detail: o.kind });
    for (const s of selectors) out.set(s.id, { label: s.label, detail: s.kind });
    return out;
  }
}

import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page, paginate } from '../common/pagination/keyset';
import type { Tx } from '../database/database';
import { newId } from '../database/ids';
import { CreateSubjectDto, storedDateOf, SubjectListQueryDto, SubjectResponseDto, toSubjectResponse, UpdateSubjectDto } from './dto/subject.dto';
import type { SubjectStatus } from './subject.entity';
import './subjects.audit';
import { SubjectNotFoundError } from './subjects.errors';
import { SubjectFields, SubjectNameMatch, SubjectRecord, SubjectsRepository } from './subjects.repository';

export type { SubjectNameMatch } from './subjects.repository';

/** What the audit trail records of a subject: every field the API accepts. */
function auditView(s: SubjectFields): Record<string, unknown> {
  return { fullName: s.fullName, aliases: s.aliases, nationality: s.nationality, dobDate: s.dobDate, dobPrecision: s.dobPrecision, status: s.status, charges: s.charges, indictment: s.indictment, description: s.description };
}

function fieldsOf(r: SubjectRecord): SubjectFields {
  return { fullName: r.fullName, aliases: r.aliases, nationality: r.nationality, dobDate: r.dobDate, dobPrecision: r.dobPrecision, status: r.status, charges: r.charges, indictment: r.indictment, description: r.description };
}

/** Persons of interest in the shared entity registry. */
@Injectable()
export class SubjectsService {
  constructor(
    private readonly subjects: SubjectsRepository,
    private readonly audit: AuditTrail,
  ) {}

  async create(ctx: RequestContext, dto: CreateSubjectDto): Promise<SubjectResponseDto> {
    const id = newId();
    const dob = storedDateOf(dto.dateOfBirth ?? null)!;
    const fields: SubjectFields = {
      fullName: dto.fullName,
      aliases: (dto.aliases ?? []).map((a) => ({ name: a.name, source: a.source ?? null })),
      nationality: dto.nationality ?? null,
      ...dob,
      status: dto.status ?? 'unidentified',
      charges: (dto.charges ?? []).map((c) => ({ statute: c.statute, description: c.description, counts: c.counts })),
      indictment: dto.indictment ? { court: dto.indictment.court, docketNumber: dto.indictment.docketNumber ?? null, date: dto.indictment.date ?? null } : null,
      description: dto.description ?? null,
    };
    return this.audit.transaction(ctx, { action: 'subject.create', resourceType: 'subject', resourceId: id }, async (tx, change) => {
      change.set({ before: null, after: auditView(fields) });
      return toSubjectResponse(await this.subjects.insert(tx, id, fields, ctx.principal?.id ?? null));
    });
  }

  async get(id: string): Promise<SubjectResponseDto> {
    const found = await this.subjects.findById(id);
    if (!found) throw new SubjectNotFoundError(id);
    return toSubjectResponse(found);
  }

  async list(query: SubjectListQueryDto): Promise<Page<SubjectResponseDto>> {
    const filters = { status: query.status, nationality: query.nationality, statute: query.statute };
    return paginate(query, ['string'], (after, take) => this.subjects.list(filters, after?.[0] as string | undefined, take), (s) => [s.id], toSubjectResponse);
  }

  async update(ctx: RequestContext, id: string, expectedVersion: number, dto: UpdateSubjectDto): Promise<SubjectResponseDto> {
    return this.audit.transaction(ctx, { action: 'subject.update', resourceType: 'subject', resourceId: id }, async (tx, change) => {
      const current = await this.subjects.lock(tx, id);
      if (!current) throw new SubjectNotFoundError(id);
      assertVersion(expectedVersion, current.version);
      const patch: Partial<SubjectFields> = {
        fullName: dto.fullName,
        aliases: dto.aliases?.map((a) => ({ name: a.name, source: a.source ?? null })),
        nationality: dto.nationality,
        ...storedDateOf(dto.dateOfBirth),
        status: dto.status,
        charges: dto.charges?.map((c) => ({ statute: c.statute, description: c.description, counts: c.counts })),
        indictment: dto.indictment === undefined ? undefined : dto.indictment === null ? null : { court: dto.indictment.court, docketNumber: dto.indictment.docketNumber ?? null, date: dto.indictment.date ?? null },
        description: dto.description,
      };
      const before = fieldsOf(current);
      const after = { ...before, ...Object.fromEntries(Object.entries(patch).filter(([, v]) => v !== undefined)) };
      change.set({ before: auditView(before), after: auditView(after) });
      return toSubjectResponse(await this.subjects.update(tx, id, patch));
    });
  }

  /** For links and the graph: of `ids`, the subjects that exist, with their label. */
  async summaries(ids: readonly string[], tx?: Tx): Promise<{ id: string; label: string; status: SubjectStatus }[]> {
    return this.subjects.summaries(ids, tx);
  }

  /** For tip matching: for each phrase, the subjects one of whose names holds it (word similarity ≥ minScore). */
  async namesMentioned(phrases: readonly string[], minScore: number, tx?: Tx): Promise<{ term: string; id: string; matchedName: string; matchedKind: 'full_name' | 'alias'; score: number }[]> {
    return this.subjects.namesMentioned(phrases, minScore, tx);
  }

  /** For search: subjects whose full name or an alias is close to `term`, best first. */
  async searchByName(term: string, limit: number): Promise<SubjectNameMatch[]> {
    return this.subjects.searchNames(term, limit);
  }
}

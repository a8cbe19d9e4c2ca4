import { Injectable } from '@nestjs/common';
import { RequestContext } from '../access/request-context';
import { AuditTrail } from '../audit/audit-trail.service';
import { assertVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { newId } from '../database/ids';
import { paginateList } from '../common/pagination/list-cursor';
import { CaseNotesRepository } from './case-notes.repository';
import './cases.audit';
import { NoteNotFoundError, NotNoteAuthorError } from './cases.errors';
import { CasesService } from './cases.service';
import { NoteBodyDto, NoteListQueryDto, NoteResponseDto, toNoteResponse } from './dto/note.dto';

/** Notes of a case: appended by members (not viewers), edited by their author only, never deleted. */
@Injectable()
export class CaseNotesService {
  constructor(
    private readonly notes: CaseNotesRepository,
    private readonly cases: CasesService,
    private readonly audit: AuditTrail,
  ) {}

  async create(ctx: RequestContext, caseId: string, dto: NoteBodyDto): Promise<NoteResponseDto> {
    const id = newId();
    return this.audit.transaction(ctx, { action: 'note.create', resourceType: 'note', resourceId: id, caseId }, async (tx, change) => {
      await this.cases.requireWritable(tx, ctx, caseId, 'note.create');
      change.set({ before: null, after: { body: dto.body } });
      return toNoteResponse(await this.notes.insert(tx, { id, caseId, authorId: ctx.principal!.id, body: dto.body }));
    });
  }

  async list(ctx: RequestContext, caseId: string, query: NoteListQueryDto): Promise<Page<NoteResponseDto>> {
    await this.cases.requireReadable(ctx, caseId, 'note.list');
    const page = await paginateList(`notes:${caseId}`, query, ['uuid'], (after, take) => this.notes.list(caseId, after?.[0], take), (n) => [n.id], toNoteResponse);
    await this.audit.record(ctx, { action: 'note.list', resourceType: 'case', resourceId: caseId, caseId, details: { count: page.data.length, noteIds: page.data.map((n) => n.id) } });
    return page;
  }

  async get(ctx: RequestContext, caseId: string, id: string): Promise<NoteResponseDto> {
    await this.cases.requireReadable(ctx, caseId, 'note.read');
    const note = await this.notes.find(caseId, id);
    if (!note) throw new NoteNotFoundError(id);
    await this.audit.record(ctx, { action: 'note.read', resourceType: 'note', resourceId: id, caseId });
    return toNoteResponse(note);
  }

  /** The author's edit: the text before it stays in the audit trail (the record's `changes`). */
  async update(ctx: RequestContext, caseId: string, id: string, expectedVersion: number, dto: NoteBodyDto): Promise<NoteResponseDto> {
    return this.audit.transaction(ctx, { action: 'note.update', resourceType: 'note', resourceId: id, caseId }, async (tx, change) => {
      await this.cases.requireWritable(tx, ctx, caseId, 'note.update');
      const note = await this.notes.lock(tx, caseId, id);
      if (!note) throw new NoteNotFoundError(id);
      if (note.authorId !== ctx.principal!.id) throw new NotNoteAuthorError();
      assertVersion(expectedVersion, note.version);
      change.set({ before: { body: note.body }, after: { body: dto.body } });
      return toNoteResponse(await this.notes.updateBody(tx, caseId, id, dto.body));
    });
  }
}

import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { CaseNotesService } from './case-notes.service';
import { ApiCaseNotFound } from './cases.openapi';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { NoteBodyDto, NoteListQueryDto, NotePageDto, NoteResponseDto } from './dto/note.dto';
import { IdParam } from '../common/validation';

@ApiTags('cases')
@ApiProblems({ status: 400, description: 'Validation failed (unknown fields are refused), or a cursor from another list' })
@Controller('cases/:id/notes')
export class CaseNotesController {
  constructor(private readonly notes: CaseNotesService) {}

  @Post()
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Append a note (members other than viewers, and supervisors); notes are never deleted' })
  @ApiCreatedResponse({ type: NoteResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiProblems({ status: 403, description: 'A viewer of the case (`read-only-member`)' })
  @ApiProblems({ status: 409, description: 'The case is closed (`case-closed`)' })
  createCaseNote(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: NoteBodyDto): Promise<NoteResponseDto> {
    return this.notes.create(ctx, id, dto);
  }

  @Get()
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'List the notes of a case, newest first. Audited (`note.list`).' })
  @ApiOkResponse({ type: NotePageDto })
  @ApiCaseNotFound()
  listCaseNotes(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: NoteListQueryDto): Promise<Page<NoteResponseDto>> {
    return this.notes.list(ctx, id, query);
  }

  @Get(':noteId')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'Get a note (ETag: its version). Audited (`note.read`).' })
  @ApiOkResponse({ type: NoteResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound('case or note')
  getCaseNote(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('noteId') noteId: string): Promise<NoteResponseDto> {
    return this.notes.get(ctx, id, noteId);
  }

  @Patch(':noteId')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: "Edit one's own note (needs If-Match)", description: 'The text before the edit stays in the audit trail; the note shows `editedAt` and its new version.' })
  @ApiOkResponse({ type: NoteResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiCaseNotFound('case or note')
  @ApiProblems({ status: 403, description: 'Not the author (`not-note-author`), or a viewer (`read-only-member`)' })
  @ApiProblems({ status: 409, description: 'The case is closed (`case-closed`)' })
  updateCaseNote(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('noteId') noteId: string, @IfMatchVersion() version: number, @Body() dto: NoteBodyDto): Promise<NoteResponseDto> {
    return this.notes.update(ctx, id, noteId, version, dto);
  }
}

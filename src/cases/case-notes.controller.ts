import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { ParseIdPipe } from '../common/validation';
import { CaseNotesService } from './case-notes.service';
import { ApiCaseNotFound, ApiIfMatch, ETAG_HEADER } from './cases.openapi';
import { NoteBodyDto, NoteListQueryDto, NotePageDto, NoteResponseDto } from './dto/note.dto';

@ApiTags('cases')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed (unknown fields are refused), or a cursor from another list' })
@Controller('cases/:id/notes')
export class CaseNotesController {
  constructor(private readonly notes: CaseNotesService) {}

  @Post()
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Append a note (members other than viewers, and supervisors); notes are never deleted' })
  @ApiCreatedResponse({ type: NoteResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'A viewer of the case (`read-only-member`)' })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'The case is closed (`case-closed`)' })
  create(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Body() dto: NoteBodyDto): Promise<NoteResponseDto> {
    return this.notes.create(ctx, id, dto);
  }

  @Get()
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'List the notes of a case, newest first. Audited (`note.list`).' })
  @ApiOkResponse({ type: NotePageDto })
  @ApiCaseNotFound()
  list(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Query() query: NoteListQueryDto): Promise<Page<NoteResponseDto>> {
    return this.notes.list(ctx, id, query);
  }

  @Get(':noteId')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'Get a note (ETag: its version). Audited (`note.read`).' })
  @ApiOkResponse({ type: NoteResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound('case or note')
  get(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Param('noteId', ParseIdPipe) noteId: string): Promise<NoteResponseDto> {
    return this.notes.get(ctx, id, noteId);
  }

  @Patch(':noteId')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: "Edit one's own note (needs If-Match)", description: 'The text before the edit stays in the audit trail; the note shows `editedAt` and its new version.' })
  @ApiOkResponse({ type: NoteResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiCaseNotFound('case or note')
  @ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'Not the author (`not-note-author`), or a viewer (`read-only-member`)' })
  @ApiConflictResponse({ type: ProblemDetailsDto, description: 'The case is closed (`case-closed`)' })
  update(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Param('noteId', ParseIdPipe) noteId: string, @IfMatchVersion() version: number, @Body() dto: NoteBodyDto): Promise<NoteResponseDto> {
    return this.notes.update(ctx, id, noteId, version, dto);
  }
}

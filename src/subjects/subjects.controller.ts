import { Body, Controller, Get, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { CreateSubjectDto, SubjectListQueryDto, SubjectPageDto, SubjectResponseDto, UpdateSubjectDto } from './dto/subject.dto';
import { SubjectsService } from './subjects.service';
import { IdParam } from '../common/validation';

@ApiTags('subjects')
@ApiProblems({ status: 400, description: 'Validation failed: unknown fields (id, version…), a country not on the ISO list, a date that does not exist…' })
@Controller('subjects')
export class SubjectsController {
  constructor(private readonly subjects: SubjectsService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Register a subject (person of interest)', description: 'Audited (`subject.create`). The registry is shared by investigators, analysts and supervisors.' })
  @ApiCreatedResponse({ type: SubjectResponseDto, headers: ETAG_HEADER })
  createSubject(@Ctx() ctx: RequestContext, @Body() dto: CreateSubjectDto): Promise<SubjectResponseDto> {
    return this.subjects.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List subjects (oldest first), filtered by status, nationality or statute charged under' })
  @ApiOkResponse({ type: SubjectPageDto })
  listSubjects(@Query() query: SubjectListQueryDto): Promise<Page<SubjectResponseDto>> {
    return this.subjects.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get a subject (ETag: its version)' })
  @ApiOkResponse({ type: SubjectResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  getSubject(@IdParam() id: string): Promise<SubjectResponseDto> {
    return this.subjects.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Change a subject (needs If-Match); lists given replace the old ones; null clears a field', description: 'Audited (`subject.update`) with the changed fields.' })
  @ApiIfMatch()
  @ApiOkResponse({ type: SubjectResponseDto, headers: ETAG_HEADER })
  @ApiProblems(404)
  updateSubject(@Ctx() ctx: RequestContext, @IdParam() id: string, @IfMatchVersion() version: number, @Body() dto: UpdateSubjectDto): Promise<SubjectResponseDto> {
    return this.subjects.update(ctx, id, version, dto);
  }
}

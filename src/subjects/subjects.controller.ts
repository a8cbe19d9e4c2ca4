import { Body, Controller, Get, Param, Patch, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiCreatedResponse, ApiHeader, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiPreconditionFailedResponse, ApiResponse, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { ParseIdPipe } from '../common/validation';
import { CreateSubjectDto, SubjectListQueryDto, SubjectPageDto, SubjectResponseDto, UpdateSubjectDto } from './dto/subject.dto';
import { SubjectsService } from './subjects.service';

@ApiTags('subjects')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed: unknown fields (id, version…), a country not on the ISO list, a date that does not exist…' })
@Controller('subjects')
export class SubjectsController {
  constructor(private readonly subjects: SubjectsService) {}

  @Post()
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Register a subject (person of interest)', description: 'Audited (`subject.create`). The registry is shared by investigators, analysts and supervisors.' })
  @ApiCreatedResponse({ type: SubjectResponseDto })
  create(@Ctx() ctx: RequestContext, @Body() dto: CreateSubjectDto): Promise<SubjectResponseDto> {
    return this.subjects.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'List subjects (oldest first), filtered by status, nationality or statute charged under' })
  @ApiOkResponse({ type: SubjectPageDto })
  list(@Query() query: SubjectListQueryDto): Promise<Page<SubjectResponseDto>> {
    return this.subjects.list(query);
  }

  @Get(':id')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'Get a subject (ETag: its version)' })
  @ApiOkResponse({ type: SubjectResponseDto, headers: { ETag: { description: 'W/"<version>"', schema: { type: 'string' } } } })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  get(@Param('id', ParseIdPipe) id: string): Promise<SubjectResponseDto> {
    return this.subjects.get(id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'registry:write' })
  @ApiOperation({ summary: 'Change a subject (needs If-Match); lists given replace the old ones; null clears a field', description: 'Audited (`subject.update`) with the changed fields.' })
  @ApiHeader({ name: 'If-Match', required: true, description: 'The ETag from GET, W/"<version>"' })
  @ApiOkResponse({ type: SubjectResponseDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto })
  @ApiPreconditionFailedResponse({ type: ProblemDetailsDto, description: 'The subject changed since you read it' })
  @ApiResponse({ status: 428, type: ProblemDetailsDto, description: 'If-Match is missing' })
  update(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @IfMatchVersion() version: number, @Body() dto: UpdateSubjectDto): Promise<SubjectResponseDto> {
    return this.subjects.update(ctx, id, version, dto);
  }
}

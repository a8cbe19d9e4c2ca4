import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Param, Post, Query } from '@nestjs/common';
import { ApiBadRequestResponse, ApiConflictResponse, ApiCreatedResponse, ApiForbiddenResponse, ApiNoContentResponse, ApiNotFoundResponse, ApiOkResponse, ApiOperation, ApiTags, ApiUnprocessableEntityResponse } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ProblemDetailsDto } from '../common/problem/problem-details';
import { ParseIdPipe } from '../common/validation';
import { CaseRegistryService } from './case-registry.service';
import { ApiCaseNotFound, ApiIfMatch, ETAG_HEADER } from './cases.openapi';
import { LinkedCasePageDto, LinkedCaseResponseDto, LinkOrganizationDto, LinkSubjectDto, RegistryLinkListQueryDto, RegistryLinkPageDto, RegistryLinkResponseDto } from './dto/registry-link.dto';

const ApiWriteRefusals = (): MethodDecorator =>
  applyDecorators(
    ApiForbiddenResponse({ type: ProblemDetailsDto, description: 'A viewer of the case (`read-only-member`)' }),
    ApiConflictResponse({ type: ProblemDetailsDto, description: 'Already linked (`registry-link-exists`), or the case is closed (`case-closed`)' }),
  );

/** The registry subjects and organizations of a case. Members read; members other than viewers link and unlink. */
@ApiTags('cases')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed (unknown fields are refused), or a cursor from another list' })
@Controller('cases/:id')
export class CaseRegistryController {
  constructor(private readonly registry: CaseRegistryService) {}

  @Post('subjects')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Link a registry subject to the case' })
  @ApiCreatedResponse({ type: RegistryLinkResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'No such subject in the registry (`registry-entity-not-found`)' })
  @ApiWriteRefusals()
  linkSubject(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Body() dto: LinkSubjectDto): Promise<RegistryLinkResponseDto> {
    return this.registry.link(ctx, 'subject', id, dto.subjectId, dto.reason);
  }

  @Get('subjects')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'The subjects linked to the case, newest link first. Audited (`case-subject.list`).' })
  @ApiOkResponse({ type: RegistryLinkPageDto })
  @ApiCaseNotFound()
  listSubjects(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<RegistryLinkResponseDto>> {
    return this.registry.list(ctx, 'subject', id, query);
  }

  @Delete('subjects/:subjectId')
  @HttpCode(204)
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Unlink a subject from the case (needs If-Match of the link); the subject stays in the registry' })
  @ApiNoContentResponse({ description: 'Unlinked' })
  @ApiIfMatch()
  @ApiCaseNotFound('case or link')
  @ApiWriteRefusals()
  async unlinkSubject(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Param('subjectId', ParseIdPipe) subjectId: string, @IfMatchVersion() version: number): Promise<void> {
    await this.registry.unlink(ctx, 'subject', id, subjectId, version);
  }

  @Post('organizations')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Link a registry organization to the case' })
  @ApiCreatedResponse({ type: RegistryLinkResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiUnprocessableEntityResponse({ type: ProblemDetailsDto, description: 'No such organization in the registry (`registry-entity-not-found`)' })
  @ApiWriteRefusals()
  linkOrganization(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Body() dto: LinkOrganizationDto): Promise<RegistryLinkResponseDto> {
    return this.registry.link(ctx, 'organization', id, dto.organizationId, dto.reason);
  }

  @Get('organizations')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'The organizations linked to the case, newest link first. Audited (`case-organization.list`).' })
  @ApiOkResponse({ type: RegistryLinkPageDto })
  @ApiCaseNotFound()
  listOrganizations(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<RegistryLinkResponseDto>> {
    return this.registry.list(ctx, 'organization', id, query);
  }

  @Delete('organizations/:organizationId')
  @HttpCode(204)
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Unlink an organization from the case (needs If-Match of the link)' })
  @ApiNoContentResponse({ description: 'Unlinked' })
  @ApiIfMatch()
  @ApiCaseNotFound('case or link')
  @ApiWriteRefusals()
  async unlinkOrganization(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Param('organizationId', ParseIdPipe) organizationId: string, @IfMatchVersion() version: number): Promise<void> {
    await this.registry.unlink(ctx, 'organization', id, organizationId, version);
  }
}

/** From the registry side: the cases an entity is in, as far as the caller may see them. */
@ApiTags('cases')
@ApiBadRequestResponse({ type: ProblemDetailsDto, description: 'Validation failed, or a cursor from another list' })
@Controller()
export class RegistryCasesController {
  constructor(private readonly registry: CaseRegistryService) {}

  @Get('subjects/:id/cases')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: "The cases a subject is linked to: supervisors see all, everyone else only their own cases (filtered in the query). Audited." })
  @ApiOkResponse({ type: LinkedCasePageDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto, description: 'No such subject' })
  subjectCases(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<LinkedCaseResponseDto>> {
    return this.registry.casesOf(ctx, 'subject', id, query);
  }

  @Get('organizations/:id/cases')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'The cases an organization is linked to, as far as the caller may see them. Audited.' })
  @ApiOkResponse({ type: LinkedCasePageDto })
  @ApiNotFoundResponse({ type: ProblemDetailsDto, description: 'No such organization' })
  organizationCases(@Ctx() ctx: RequestContext, @Param('id', ParseIdPipe) id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<LinkedCaseResponseDto>> {
    return this.registry.casesOf(ctx, 'organization', id, query);
  }
}

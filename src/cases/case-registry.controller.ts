import { applyDecorators, Body, Controller, Delete, Get, HttpCode, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiNoContentResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { CaseRegistryService } from './case-registry.service';
import { ApiCaseNotFound } from './cases.openapi';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { LinkedCasePageDto, LinkedCaseResponseDto, LinkOrganizationDto, LinkSubjectDto, RegistryLinkListQueryDto, RegistryLinkPageDto, RegistryLinkResponseDto } from './dto/registry-link.dto';
import { IdParam } from '../common/validation';

const ApiWriteRefusals = (): MethodDecorator =>
  applyDecorators(
    ApiProblems({ status: 403, description: 'A viewer of the case (`read-only-member`)' }),
    ApiProblems({ status: 409, description: 'Already linked (`registry-link-exists`), or the case is closed (`case-closed`)' }),
  );

/** The registry subjects and organizations of a case. Members read; members other than viewers link and unlink. */
@ApiTags('cases')
@ApiProblems({ status: 400, description: 'Validation failed (unknown fields are refused), or a cursor from another list' })
@Controller('cases/:id')
export class CaseRegistryController {
  constructor(private readonly registry: CaseRegistryService) {}

  @Post('subjects')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Link a registry subject to the case' })
  @ApiCreatedResponse({ type: RegistryLinkResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiProblems({ status: 422, description: 'No such subject in the registry (`registry-entity-not-found`)' })
  @ApiWriteRefusals()
  linkCaseSubject(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: LinkSubjectDto): Promise<RegistryLinkResponseDto> {
    return this.registry.link(ctx, 'subject', id, dto.subjectId, dto.reason);
  }

  @Get('subjects')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'The subjects linked to the case, newest link first. Audited (`case-subject.list`).' })
  @ApiOkResponse({ type: RegistryLinkPageDto })
  @ApiCaseNotFound()
  listCaseSubjects(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<RegistryLinkResponseDto>> {
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
  async unlinkCaseSubject(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('subjectId') subjectId: string, @IfMatchVersion() version: number): Promise<void> {
    await this.registry.unlink(ctx, 'subject', id, subjectId, version);
  }

  @Post('organizations')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Link a registry organization to the case' })
  @ApiCreatedResponse({ type: RegistryLinkResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiProblems({ status: 422, description: 'No such organization in the registry (`registry-entity-not-found`)' })
  @ApiWriteRefusals()
  linkCaseOrganization(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: LinkOrganizationDto): Promise<RegistryLinkResponseDto> {
    return this.registry.link(ctx, 'organization', id, dto.organizationId, dto.reason);
  }

  @Get('organizations')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'The organizations linked to the case, newest link first. Audited (`case-organization.list`).' })
  @ApiOkResponse({ type: RegistryLinkPageDto })
  @ApiCaseNotFound()
  listCaseOrganizations(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<RegistryLinkResponseDto>> {
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
  async unlinkCaseOrganization(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('organizationId') organizationId: string, @IfMatchVersion() version: number): Promise<void> {
    await this.registry.unlink(ctx, 'organization', id, organizationId, version);
  }
}

/** From the registry side: the cases an entity is in, as far as the caller may see them. */
@ApiTags('cases')
@ApiProblems({ status: 400, description: 'Validation failed, or a cursor from another list' })
@Controller()
export class RegistryCasesController {
  constructor(private readonly registry: CaseRegistryService) {}

  @Get('subjects/:id/cases')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: "The cases a subject is linked to: supervisors see all, everyone else only their own cases (filtered in the query). Audited." })
  @ApiOkResponse({ type: LinkedCasePageDto })
  @ApiProblems({ status: 404, description: 'No such subject' })
  listSubjectCases(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<LinkedCaseResponseDto>> {
    return this.registry.casesOf(ctx, 'subject', id, query);
  }

  @Get('organizations/:id/cases')
  @Authenticated({ permission: 'registry:read' })
  @ApiOperation({ summary: 'The cases an organization is linked to, as far as the caller may see them. Audited.' })
  @ApiOkResponse({ type: LinkedCasePageDto })
  @ApiProblems({ status: 404, description: 'No such organization' })
  listOrganizationCases(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: RegistryLinkListQueryDto): Promise<Page<LinkedCaseResponseDto>> {
    return this.registry.casesOf(ctx, 'organization', id, query);
  }
}

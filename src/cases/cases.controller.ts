import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ApiCaseNotFound } from './cases.openapi';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { CasesService } from './cases.service';
import { CaseListQueryDto, CasePageDto, CaseResponseDto, CreateCaseDto, UpdateCaseDto } from './dto/case.dto';
import { AddMemberDto, MemberListQueryDto, MemberPageDto, MemberResponseDto, UpdateMemberDto } from './dto/member.dto';
import { TimelineEntryDto, TimelinePageDto, TimelineQueryDto } from './dto/timeline.dto';
import { IdParam } from '../common/validation';

@ApiTags('cases')
@ApiProblems({ status: 400, description: 'Validation failed (unknown fields are refused), or a cursor from another list' })
@Controller('cases')
export class CasesController {
  constructor(private readonly cases: CasesService) {}

  @Post()
  @Authenticated({ permission: 'case:create' })
  @ApiOperation({
    summary: 'Open a case',
    description:
      'Investigators and supervisors. The case gets the next number of the year (UTC), `CF-<year>-<4 digits>`, gap-free and unique under ' +
      'concurrency. The lead (default: the creator) becomes the `lead` member; a creator who is not the lead becomes a `member`. Status starts `open`.',
  })
  @ApiCreatedResponse({ type: CaseResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 422, description: 'The lead is not an active investigator or supervisor (`member-not-eligible`, `lead-not-eligible`)' })
  createCase(@Ctx() ctx: RequestContext, @Body() dto: CreateCaseDto): Promise<CaseResponseDto> {
    return this.cases.create(ctx, dto);
  }

  @Get()
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({
    summary: 'List cases the caller may see',
    description:
      'Members see their cases, supervisors every case (filtered in SQL: pages are full and cursors stable). Filters: `status`, `sensitivity`, ' +
      '`memberId` (supervisors), `q` (a case number, or words of the title). Sort: `activity` (most recent first, default) or `number` (newest first). ' +
      'Audited (`case.list`).',
  })
  @ApiOkResponse({ type: CasePageDto })
  @ApiProblems({ status: 403, description: '`memberId` by a caller who is not a supervisor, or the permission is missing' })
  listCases(@Ctx() ctx: RequestContext, @Query() query: CaseListQueryDto): Promise<Page<CaseResponseDto>> {
    return this.cases.list(ctx, query);
  }

  @Get(':id')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'Get a case (ETag: its version). Audited (`case.read`).' })
  @ApiOkResponse({ type: CaseResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  getCase(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<CaseResponseDto> {
    return this.cases.get(ctx, id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({
    summary: 'Change a case: title, summary, sensitivity, lead, status, legal hold (needs If-Match)',
    description:
      'Members other than viewers, and supervisors. Status moves `open` → `active` → `closed`; `closed` → `active` (reopen) by supervisors only, ' +
      'with a `reason`; any other move is a 409 naming the allowed ones. `legalHold`: supervisors only. A new `leadInvestigatorId` (lead or ' +
      'supervisors) becomes the `lead` member and the previous lead a `member`. A closed case keeps its title, summary and sensitivity.',
  })
  @ApiOkResponse({ type: CaseResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiCaseNotFound()
  @ApiProblems({ status: 403, description: 'A viewer (`read-only-member`); reopen or legal hold by a non-supervisor (`supervisor-only`); a lead change by a non-lead (`not-case-manager`)' })
  @ApiProblems({ status: 409, description: 'A status move that is not allowed (`invalid-status-transition`), or a change of a closed case (`case-closed`)' })
  @ApiProblems({ status: 422, description: 'Reopen without a reason (`reason-required`); a lead who may not lead (`member-not-eligible`, `lead-not-eligible`)' })
  updateCase(@Ctx() ctx: RequestContext, @IdParam() id: string, @IfMatchVersion() version: number, @Body() dto: UpdateCaseDto): Promise<CaseResponseDto> {
    return this.cases.update(ctx, id, version, dto);
  }

  @Get(':id/members')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({ summary: 'List the members of a case (by user id). Audited (`member.list`).' })
  @ApiOkResponse({ type: MemberPageDto })
  @ApiCaseNotFound()
  listCaseMembers(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: MemberListQueryDto): Promise<Page<MemberResponseDto>> {
    return this.cases.members(ctx, id, query);
  }

  @Post(':id/members')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({
    summary: 'Add a member (the lead or a supervisor)',
    description:
      'A member is an active user with the investigator, analyst or supervisor role (never admin or auditor). Role `lead` hands the lead over: ' +
      'the current lead becomes a `member`.',
  })
  @ApiCreatedResponse({ type: MemberResponseDto, headers: ETAG_HEADER })
  @ApiCaseNotFound()
  @ApiProblems({ status: 403, description: 'Neither the lead nor a supervisor (`not-case-manager`)' })
  @ApiProblems({ status: 409, description: 'Already a member (`already-member`)' })
  @ApiProblems({ status: 422, description: 'The user may not hold case content, or may not lead (`member-not-eligible`, `lead-not-eligible`)' })
  addCaseMember(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: AddMemberDto): Promise<MemberResponseDto> {
    return this.cases.addMember(ctx, id, dto);
  }

  @Patch(':id/members/:userId')
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: "Change a member's role (the lead or a supervisor; needs If-Match of the membership)", description: 'A case always keeps a lead: the lead cannot step down (make another member lead instead: the lead then becomes a `member`).' })
  @ApiOkResponse({ type: MemberResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiCaseNotFound('case or member')
  @ApiProblems({ status: 403, description: 'Neither the lead nor a supervisor (`not-case-manager`)' })
  @ApiProblems({ status: 422, description: 'The case would be left without a lead (`case-needs-lead`); a new lead who may not lead (`lead-not-eligible`)' })
  updateCaseMember(
    @Ctx() ctx: RequestContext,
    @IdParam() id: string,
    @IdParam('userId') userId: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateMemberDto,
  ): Promise<MemberResponseDto> {
    return this.cases.updateMember(ctx, id, userId, version, dto);
  }

  @Delete(':id/members/:userId')
  @HttpCode(204)
  @Authenticated({ permission: 'case:write' })
  @ApiOperation({ summary: 'Remove a member (the lead or a supervisor; needs If-Match of the membership): they lose the case on their next request' })
  @ApiNoContentResponse({ description: 'Removed' })
  @ApiIfMatch()
  @ApiCaseNotFound('case or member')
  @ApiProblems({ status: 403, description: 'Neither the lead nor a supervisor (`not-case-manager`)' })
  @ApiProblems({ status: 422, description: 'The lead cannot be removed: a case always keeps a lead (`case-needs-lead`)' })
  async removeCaseMember(@Ctx() ctx: RequestContext, @IdParam() id: string, @IdParam('userId') userId: string, @IfMatchVersion() version: number): Promise<void> {
    await this.cases.removeMember(ctx, id, userId, version);
  }

  @Get(':id/timeline')
  @Authenticated({ permission: 'case:read' })
  @ApiOperation({
    summary: "The case's history from the audit trail, newest first",
    description: 'Who changed what and when. The lead and supervisors also see reads and denied attempts; other members see the changes that succeeded. Audited (`timeline.read`).',
  })
  @ApiOkResponse({ type: TimelinePageDto })
  @ApiCaseNotFound()
  listCaseTimeline(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: TimelineQueryDto): Promise<Page<TimelineEntryDto>> {
    return this.cases.timeline(ctx, id, query);
  }
}

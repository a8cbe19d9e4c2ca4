import { Body, Controller, Get, HttpCode, Param, ParseEnumPipe, Patch, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { ValidationFailedError } from '../common/errors/domain.error';
import { Page } from '../common/pagination/keyset';
import {
  CANDIDATE_TYPES,
  CandidateDto,
  RevealQueryDto,
  TipDetailDto,
  TipPageDto,
  TipQueueQueryDto,
  TipsterIdentityDto,
  TipSummaryDto,
  UpdateTipDto,
} from './dto/tip.dto';
import type { CandidateEntityType } from './tip-candidate.entity';
import { TipsService } from './tips.service';
import { IdParam } from '../common/validation';

const NOT_FOUND =
  'No such tip, or the caller may not see it: a tip linked to a case is visible to its members and supervisors only; an unlinked one to staff who triage (the attempt is audited as denied)';

const candidateType = new ParseEnumPipe(Object.fromEntries(CANDIDATE_TYPES.map((t) => [t, t])), {
  exceptionFactory: () => new ValidationFailedError([{ field: 'entityType', message: `must be one of ${CANDIDATE_TYPES.join(', ')}` }]),
});

@ApiTags('tips')
@ApiProblems({ status: 400, description: 'Validation failed (unknown fields and parameters are refused), or a cursor from another list' })
@Controller('tips')
export class TipsController {
  constructor(private readonly tips: TipsService) {}

  @Get()
  @Authenticated({ permission: 'tip:triage' })
  @ApiOperation({
    summary: 'The triage queue',
    description:
      'Staff who triage (intake, investigators, supervisors). Sorted by priority (urgent first), then age (oldest first); keyset pages. Tips linked to a case ' +
      'appear only to its members and supervisors (filtered in SQL). The tipster appears as a pseudonym only. Audited (`tip.list`).',
  })
  @ApiOkResponse({ type: TipPageDto })
  listTips(@Ctx() ctx: RequestContext, @Query() query: TipQueueQueryDto): Promise<Page<TipSummaryDto>> {
    return this.tips.queue(ctx, query);
  }

  @Get(':id')
  @Authenticated({ permission: 'tip:read' })
  @ApiOperation({ summary: 'A tip with its match candidates and duplicates (ETag: its version). Audited (`tip.read`).' })
  @ApiOkResponse({ type: TipDetailDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 404, description: NOT_FOUND })
  getTip(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<TipDetailDto> {
    return this.tips.get(ctx, id);
  }

  @Patch(':id')
  @Authenticated({ permission: 'tip:triage' })
  @ApiOperation({
    summary: 'Triage a tip: status, priority, assignee, grading, case link, duplicates (needs If-Match)',
    description:
      'Status moves `received` → `triaged` → `assigned` → `actionable` | `not_actionable` → `closed`; `duplicate` (with `duplicateOf`, a tip you may see) from ' +
      'received, triaged or assigned. Any other move is a 409 whose detail and `allowed` name the allowed ones. `caseId` links the tip to a case you may see: ' +
      'from then on only its members and supervisors see the tip. `clearPossibleDuplicate` clears the flag set when the tip was matched.',
  })
  @ApiOkResponse({ type: TipDetailDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiProblems({ status: 404, description: NOT_FOUND })
  @ApiProblems({
    status: 409,
    description: 'A status move that is not allowed (`invalid-status-transition`, with `allowed`), or one asked of a tip still being matched (`tip-matching`, status `matching`: a moment after intake)',
  })
  @ApiProblems({ status: 422, description: '`duplicate-needs-original`, `assignee-not-eligible`, `case-not-found`' })
  updateTip(
    @Ctx() ctx: RequestContext,
    @IdParam() id: string,
    @IfMatchVersion() version: number,
    @Body() dto: UpdateTipDto,
  ): Promise<TipDetailDto> {
    return this.tips.update(ctx, id, version, dto);
  }

  @Get(':id/tipster')
  @Authenticated({ permission: 'tipster:read' })
  @ApiOperation({
    summary: "Reveal the tipster's identity (supervisors and intake staff), with a reason",
    description:
      'The reason (3–500 characters) is recorded with the reveal in the audit trail before the identity is returned. Everyone else sees only the pseudonym.',
  })
  @ApiOkResponse({ type: TipsterIdentityDto })
  @ApiProblems({ status: 404, description: NOT_FOUND })
  revealTipster(@Ctx() ctx: RequestContext, @IdParam() id: string, @Query() query: RevealQueryDto): Promise<TipsterIdentityDto> {
    return this.tips.revealTipster(ctx, id, query.reason);
  }

  @Post(':id/candidates/:entityType/:entityId/confirm')
  @HttpCode(200)
  @Authenticated({ permission: 'tip:triage' })
  @ApiOperation({ summary: 'Confirm a match candidate: the tip is linked to that entity' })
  @ApiParam({ name: 'entityType', enum: CANDIDATE_TYPES })
  @ApiOkResponse({ type: CandidateDto })
  @ApiProblems({ status: 404, description: `${NOT_FOUND}; or no such candidate` })
  confirmTipCandidate(
    @Ctx() ctx: RequestContext,
    @IdParam() id: string,
    @Param('entityType', candidateType) entityType: CandidateEntityType,
    @IdParam('entityId') entityId: string,
  ): Promise<CandidateDto> {
    return this.tips.decide(ctx, id, entityType, entityId, 'confirmed');
  }

  @Post(':id/candidates/:entityType/:entityId/reject')
  @HttpCode(200)
  @Authenticated({ permission: 'tip:triage' })
  @ApiOperation({ summary: 'Reject a match candidate: it is never suggested again for this tip' })
  @ApiParam({ name: 'entityType', enum: CANDIDATE_TYPES })
  @ApiOkResponse({ type: CandidateDto })
  @ApiProblems({ status: 404, description: `${NOT_FOUND}; or no such candidate` })
  rejectTipCandidate(
    @Ctx() ctx: RequestContext,
    @IdParam() id: string,
    @Param('entityType', candidateType) entityType: CandidateEntityType,
    @IdParam('entityId') entityId: string,
  ): Promise<CandidateDto> {
    return this.tips.decide(ctx, id, entityType, entityId, 'rejected');
  }
}

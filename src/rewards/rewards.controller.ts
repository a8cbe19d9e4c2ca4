import { Body, Controller, Get, HttpCode, Patch, Post, Query } from '@nestjs/common';
import { ApiCreatedResponse, ApiOkResponse, ApiOperation, ApiTags } from '@nestjs/swagger';
import { Authenticated } from '../access/authenticated.decorator';
import { Ctx, RequestContext } from '../access/request-context';
import { IfMatchVersion } from '../common/concurrency/if-match';
import { Page } from '../common/pagination/keyset';
import { ApiIfMatch, ApiProblems, ETAG_HEADER } from '../common/openapi/openapi-document';
import { IdParam } from '../common/validation';
import { ApproveClaimDto, ClaimListQueryDto, ClaimPageDto, ClaimResponseDto, CreateClaimDto, DenyClaimDto, PayClaimDto } from './dto/claim.dto';
import { CreateOfferDto, OfferListQueryDto, OfferPageDto, OfferResponseDto, UpdateOfferDto } from './dto/offer.dto';
import { RewardsService } from './rewards.service';

const OFFER_NOT_FOUND = 'No such offer';
const CLAIM_NOT_FOUND =
  "No such claim, or the caller may not see it: a claim is visible exactly when its tip is (a tip linked to a case: the case's members and supervisors; an unlinked one: staff who triage). The attempt is audited as denied";
const CLAIM_STATE_CONFLICT = "A move the claim's state does not allow (`invalid-claim-transition`: its `detail` and `allowed` name the moves allowed now)";

@ApiTags('rewards')
@ApiProblems({
  status: 400,
  description: 'Validation failed (unknown fields and parameters are refused; amounts are JSON integers of minor units), or a cursor from another list',
})
@Controller('rewards')
export class RewardsController {
  constructor(private readonly rewards: RewardsService) {}

  // ---- offers ----

  @Post('offers')
  @Authenticated({ permission: 'reward:manage' })
  @ApiOperation({
    summary: 'Create a reward offer (supervisors)',
    description:
      '`maxAmount` in integer minor units of an ISO 4217 currency; the subjects and organizations it covers (registry ids, at least one in all). ' +
      'The offer opens with nothing committed. Audited (`reward.offer.create`).',
  })
  @ApiCreatedResponse({ type: OfferResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 422, description: 'A subject or organization id that is not in the registry (`registry-entity-not-found`)' })
  createOffer(@Ctx() ctx: RequestContext, @Body() dto: CreateOfferDto): Promise<OfferResponseDto> {
    return this.rewards.createOffer(ctx, dto);
  }

  @Get('offers')
  @Authenticated({ permission: 'reward:read' })
  @ApiOperation({
    summary: 'Reward offers, newest first (investigators and supervisors)',
    description: 'Each with its committed total (approved + paid), what was paid, and what remains. Filter: `status`.',
  })
  @ApiOkResponse({ type: OfferPageDto })
  listOffers(@Query() query: OfferListQueryDto): Promise<Page<OfferResponseDto>> {
    return this.rewards.listOffers(query);
  }

  @Get('offers/:id')
  @Authenticated({ permission: 'reward:read' })
  @ApiOperation({ summary: 'A reward offer with its totals (ETag: its version)' })
  @ApiOkResponse({ type: OfferResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 404, description: OFFER_NOT_FOUND })
  getOffer(@IdParam() id: string): Promise<OfferResponseDto> {
    return this.rewards.getOffer(id);
  }

  @Patch('offers/:id')
  @Authenticated({ permission: 'reward:manage' })
  @ApiOperation({
    summary: 'Close, reopen or re-describe an offer (supervisors; needs If-Match)',
    description:
      'A closed offer takes no new claims and approves none; claims already approved can still be paid, and open ones denied. The maximum, currency and ' +
      'coverage never change. Audited (`reward.offer.update`).',
  })
  @ApiOkResponse({ type: OfferResponseDto, headers: ETAG_HEADER })
  @ApiIfMatch()
  @ApiProblems({ status: 404, description: OFFER_NOT_FOUND })
  updateOffer(@Ctx() ctx: RequestContext, @IdParam() id: string, @IfMatchVersion() version: number, @Body() dto: UpdateOfferDto): Promise<OfferResponseDto> {
    return this.rewards.updateOffer(ctx, id, version, dto);
  }

  // ---- claims ----

  @Post('claims')
  @Authenticated({ permission: 'reward:recommend' })
  @ApiOperation({
    summary: 'Recommend a reward for a tip',
    description:
      "By an investigator who is the lead or a member of the tip's case, or by a supervisor (any tip). The tip must be one you may see and not a duplicate, and " +
      'either the tipster asked for a reward (`rewardInterest`) or the tip is linked to a case that is linked to a subject or organization the offer covers. ' +
      'The offer must be open; the amount in its currency and within what it has left now. One live (not denied) claim per tip and offer. The claim shows ' +
      'the tipster by pseudonym only. Audited with the amount (`reward.claim.recommend`).',
  })
  @ApiCreatedResponse({ type: ClaimResponseDto, headers: ETAG_HEADER })
  @ApiProblems({
    status: 403,
    description: "An investigator who is not the lead or a member of the tip's case, or a tip linked to no case (`not-on-case`); or the permission is missing",
  })
  @ApiProblems({
    status: 409,
    description:
      'The offer is closed (`offer-closed`); the amount is more than the offer has left (`cap-exceeded`, with `remaining`); the tip already has a live claim on this offer (`claim-exists`)',
  })
  @ApiProblems({
    status: 422,
    description:
      "A tip you may not see or that does not exist (`tip-not-found`); no such offer (`offer-reference-not-found`); a currency other than the offer's (`currency-mismatch`); a tip that may not be rewarded from this offer (`tip-not-eligible`)",
  })
  recommend(@Ctx() ctx: RequestContext, @Body() dto: CreateClaimDto): Promise<ClaimResponseDto> {
    return this.rewards.recommend(ctx, dto);
  }

  @Get('claims')
  @Authenticated({ permission: 'reward:read' })
  @ApiOperation({
    summary: 'Reward claims you may see, newest first',
    description:
      'A claim is visible exactly when its tip is (filtered in SQL). Filters: `offerId`, `state`, `recommendedBy`; keyset pages. Audited (`reward.claim.list`, with the ids shown).',
  })
  @ApiOkResponse({ type: ClaimPageDto })
  listClaims(@Ctx() ctx: RequestContext, @Query() query: ClaimListQueryDto): Promise<Page<ClaimResponseDto>> {
    return this.rewards.listClaims(ctx, query);
  }

  @Get('claims/:id')
  @Authenticated({ permission: 'reward:read' })
  @ApiOperation({ summary: 'A reward claim (ETag: its version). Audited (`reward.claim.read`).' })
  @ApiOkResponse({ type: ClaimResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 404, description: CLAIM_NOT_FOUND })
  getClaim(@Ctx() ctx: RequestContext, @IdParam() id: string): Promise<ClaimResponseDto> {
    return this.rewards.getClaim(ctx, id);
  }

  @Post('claims/:id/approve')
  @HttpCode(200)
  @Authenticated({ permission: 'reward:approve' })
  @ApiOperation({
    summary: 'Approve a recommended claim (supervisors; not its recommender)',
    description:
      "Under the offer's row lock: the offer must be open and the amount must fit in what remains, so approved + paid never exceeds the maximum, however many " +
      'approvals run at once (the database checks the total again). Approving twice is a 409. Audited with the amount and the committed totals (`reward.claim.approve`).',
  })
  @ApiOkResponse({ type: ClaimResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 403, description: 'You recommended this claim (`separation-of-duties`), or the permission is missing' })
  @ApiProblems({ status: 404, description: CLAIM_NOT_FOUND })
  @ApiProblems({
    status: 409,
    description: `${CLAIM_STATE_CONFLICT}; the offer is closed (\`offer-closed\`); the amount no longer fits (\`cap-exceeded\`, with \`remaining\`)`,
  })
  @ApiProblems({ status: 422, description: `The tip was marked a duplicate since the recommendation (\`tip-not-eligible\`: deny the claim)` })
  approve(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: ApproveClaimDto): Promise<ClaimResponseDto> {
    return this.rewards.approve(ctx, id, dto);
  }

  @Post('claims/:id/deny')
  @HttpCode(200)
  @Authenticated({ permission: 'reward:approve' })
  @ApiOperation({ summary: 'Deny a recommended claim, with a reason (supervisors; not its recommender). Audited with the amount (`reward.claim.deny`).' })
  @ApiOkResponse({ type: ClaimResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 403, description: 'You recommended this claim (`separation-of-duties`), or the permission is missing' })
  @ApiProblems({ status: 404, description: CLAIM_NOT_FOUND })
  @ApiProblems({ status: 409, description: CLAIM_STATE_CONFLICT })
  deny(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: DenyClaimDto): Promise<ClaimResponseDto> {
    return this.rewards.deny(ctx, id, dto);
  }

  @Post('claims/:id/pay')
  @HttpCode(200)
  @Authenticated({ permission: 'reward:pay' })
  @ApiOperation({
    summary: 'Record the payment of an approved claim, once (supervisors; not its approver)',
    description:
      '`paymentReference` (used once across all claims) and `paidAt` (not before the approval, not in the future). A paid claim never changes again: the ' +
      'database refuses any change of it. Audited with the amount (`reward.claim.pay`).',
  })
  @ApiOkResponse({ type: ClaimResponseDto, headers: ETAG_HEADER })
  @ApiProblems({ status: 403, description: 'You approved this claim (`separation-of-duties`), or the permission is missing' })
  @ApiProblems({ status: 404, description: CLAIM_NOT_FOUND })
  @ApiProblems({
    status: 409,
    description: `${CLAIM_STATE_CONFLICT} (paying a denied or already paid claim); the reference already paid another claim (\`payment-reference-used\`)`,
  })
  @ApiProblems({ status: 422, description: `\`paidAt\` before the approval or in the future (\`payment-time-invalid\`)` })
  pay(@Ctx() ctx: RequestContext, @IdParam() id: string, @Body() dto: PayClaimDto): Promise<ClaimResponseDto> {
    return this.rewards.pay(ctx, id, dto);
  }
}

import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { TIMESTAMP, UUID, VERSION } from '../../common/openapi/openapi-properties';
import { Type } from 'class-transformer';
import { IsIn, IsObject, IsString, IsUUID, Matches, MaxLength, MinLength, ValidateNested } from 'class-validator';
import { IsOptionalNotNull, TEXT } from '../../common/validators';
import { IsTimestamp } from '../../common/input-rules';
import { PageOf } from '../../common/pagination/page.dto';
import { PageQueryDto } from '../../common/pagination/page-query.dto';
import { TipsterViewDto } from '../../tips/dto/tip.dto';
import type { TipRewardView } from '../../tips/tips.service';
import { CLAIM_STATES, type ClaimState } from '../reward-claim.entity';
import { ALLOWED_CLAIM_MOVES } from '../rewards.errors';
import type { ClaimRecord } from '../rewards.repository';
import { MoneyDto, MoneyResponseDto, toMoney } from './money.dto';

/** At least three characters that are not white space: a text that says something, not 20 spaces. */
const SAYS_SOMETHING = /\S.*\S.*\S|\S{3}/s;

export class CreateClaimDto {
  @ApiProperty({ ...UUID, description: 'The tip: it asked for a reward, or it is linked to a case linked to a subject or organization the offer covers' })
  @IsUUID('all')
  tipId!: string;

  @ApiProperty({ ...UUID, description: 'An open offer' })
  @IsUUID('all')
  offerId!: string;

  @ApiProperty({ type: MoneyDto, description: "In the offer's currency; at most what the offer has left (approval checks it again, under lock)" })
  @IsObject()
  @ValidateNested()
  @Type(() => MoneyDto)
  amount!: MoneyDto;

  @ApiProperty({
    minLength: 10,
    maxLength: 5000,
    example: 'The tip named the laptop farm in Arizona that hosted 60 employer laptops; it led to the search warrant.',
  })
  @IsString()
  @MinLength(10)
  @MaxLength(5000)
  @Matches(TEXT, { message: 'justification must not contain control characters' })
  @Matches(SAYS_SOMETHING, { message: 'justification must say something' })
  justification!: string;
}

export class ApproveClaimDto {
  @ApiPropertyOptional({ maxLength: 2000, description: 'Recorded with the approval (and in the audit trail)' })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(2000)
  @Matches(TEXT, { message: 'note must not contain control characters' })
  note?: string;
}

export class DenyClaimDto {
  @ApiProperty({ minLength: 3, maxLength: 2000, example: 'The information was already known from the employer’s own report.' })
  @IsString()
  @MinLength(3)
  @MaxLength(2000)
  @Matches(TEXT, { message: 'reason must not contain control characters' })
  @Matches(SAYS_SOMETHING, { message: 'reason must say something' })
  reason!: string;
}

export class PayClaimDto {
  @ApiProperty({
    minLength: 1,
    maxLength: 100,
    example: 'RFJ-2025-000117',
    description: "The payment's reference in the paying system: one payment, one claim",
  })
  @IsString()
  @MinLength(1)
  @MaxLength(100)
  @Matches(/^[^\p{Cc}\p{Cs}]*$/u, { message: 'paymentReference must be one line of text' })
  @Matches(/\S/, { message: 'paymentReference must not be blank' })
  paymentReference!: string;

  @ApiProperty({ ...TIMESTAMP, example: '2025-03-01T15:00:00Z', description: 'When the money went out: not before the approval, not in the future' })
  @IsTimestamp()
  paidAt!: Date;
}

export class ClaimListQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ ...UUID, description: 'Claims on this offer' })
  @IsOptionalNotNull()
  @IsUUID('all')
  offerId?: string;

  @ApiPropertyOptional({ enum: CLAIM_STATES })
  @IsOptionalNotNull()
  @IsIn(CLAIM_STATES)
  state?: ClaimState;

  @ApiPropertyOptional({ ...UUID, description: 'Claims recommended by this user' })
  @IsOptionalNotNull()
  @IsUUID('all')
  recommendedBy?: string;
}

export class ClaimTipDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty({ example: 'TIP-7F3KX9QM', pattern: '^TIP-[0-9A-Z]{8}$', maxLength: 12 }) reference!: string;
  @ApiProperty({ ...UUID, nullable: true, description: "The tip's case: the claim falls under its need-to-know" }) caseId!: string | null;
  @ApiProperty({ description: 'The tipster asked for a reward' }) rewardInterest!: boolean;
  @ApiProperty({
    type: TipsterViewDto,
    description: 'The tipster by pseudonym only: the identity is revealed only through GET /tips/:id/tipster, with a reason',
  })
  tipster!: TipsterViewDto;
}

export class ClaimResponseDto {
  @ApiProperty(UUID) id!: string;
  @ApiProperty(UUID) offerId!: string;
  @ApiProperty({ example: 'Rewards for Justice', maxLength: 200 }) program!: string;
  @ApiProperty({ type: ClaimTipDto }) tip!: ClaimTipDto;
  @ApiProperty({ type: MoneyResponseDto }) amount!: MoneyResponseDto;
  @ApiProperty({ maxLength: 5000 }) justification!: string;
  @ApiProperty({ enum: CLAIM_STATES, description: '`recommended` → `approved` | `denied`; `approved` → `paid`' }) state!: ClaimState;
  @ApiProperty({ enum: CLAIM_STATES, isArray: true, maxItems: CLAIM_STATES.length, description: 'The states this claim can move to now' })
  allowed!: ClaimState[];
  @ApiProperty(UUID) recommendedBy!: string;
  @ApiProperty(TIMESTAMP) recommendedAt!: string;
  @ApiProperty({ ...UUID, nullable: true }) approvedBy!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) approvedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 2000 }) approvalNote!: string | null;
  @ApiProperty({ ...UUID, nullable: true }) deniedBy!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true }) deniedAt!: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 2000 }) denialReason!: string | null;
  @ApiProperty({ ...UUID, nullable: true }) paidBy!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true, description: 'When the money went out' }) paidAt!: string | null;
  @ApiProperty({ nullable: true, type: String, maxLength: 100 }) paymentReference!: string | null;
  @ApiProperty({ ...TIMESTAMP, nullable: true, description: 'When the payment was recorded here' }) paymentRecordedAt!: string | null;
  @ApiProperty(TIMESTAMP) updatedAt!: string;
  @ApiProperty(VERSION) version!: number;
}

export const ClaimPageDto = PageOf(ClaimResponseDto);

const iso = (d: Date | null): string | null => d?.toISOString() ?? null;

export function toClaimResponse(c: ClaimRecord, tip: TipRewardView): ClaimResponseDto {
  return {
    id: c.id,
    offerId: c.offerId,
    program: c.program,
    tip: {
      id: tip.id,
      reference: tip.reference,
      caseId: tip.caseId,
      rewardInterest: tip.rewardInterest,
      tipster: { anonymous: tip.anonymous, pseudonym: tip.tipsterPseudonym },
    },
    amount: toMoney(c.amount, c.currency),
    justification: c.justification,
    state: c.state,
    allowed: [...ALLOWED_CLAIM_MOVES[c.state]],
    recommendedBy: c.recommendedBy,
    recommendedAt: c.recommendedAt.toISOString(),
    approvedBy: c.approvedBy,
    approvedAt: iso(c.approvedAt),
    approvalNote: c.approvalNote,
    deniedBy: c.deniedBy,
    deniedAt: iso(c.deniedAt),
    denialReason: c.denialReason,
    paidBy: c.paidBy,
    paidAt: iso(c.paidAt),
    paymentReference: c.paymentReference,
    paymentRecordedAt: iso(c.paymentRecordedAt),
    updatedAt: c.updatedAt.toISOString(),
    version: c.version,
  };
}

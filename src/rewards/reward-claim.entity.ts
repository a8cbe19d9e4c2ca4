import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { TipEntity } from '../tips/tip.entity';
import { UserEntity } from '../users/user.entity';
import { RewardOfferEntity } from './reward-offer.entity';

export const CLAIM_STATES = ['recommended', 'approved', 'denied', 'paid'] as const;
export type ClaimState = (typeof CLAIM_STATES)[number];

/**
 * A claim on a tip against an offer: recommended (an amount in the offer's currency, with a justification), then
 * approved or denied by another person, then paid (once, recorded by someone other than the approver). Besides
 * these checks, the Rewards migration's triggers refuse any other move of `state`, any change of the tip, offer,
 * amount or recommender, and any DELETE; and they add the amount to the offer's committed total when the claim
 * is approved (ck_reward_offer_cap holds the cap there).
 */
@Entity({ name: 'reward_claim' })
@Check('ck_reward_claim_state', `state IN ('recommended', 'approved', 'denied', 'paid')`)
@Check('ck_reward_claim_amount', `amount > 0 AND amount <= 9007199254740991`)
@Check('ck_reward_claim_approved', `(state IN ('approved', 'paid')) = (approved_by IS NOT NULL AND approved_at IS NOT NULL)`)
@Check('ck_reward_claim_denied', `(state = 'denied') = (denied_by IS NOT NULL AND denied_at IS NOT NULL AND denial_reason IS NOT NULL)`)
@Check('ck_reward_claim_paid', `(state = 'paid') = (paid_by IS NOT NULL AND paid_at IS NOT NULL AND payment_reference IS NOT NULL AND payment_recorded_at IS NOT NULL)`)
@Check(
  'ck_reward_claim_two_persons',
  `(approved_by IS NULL OR approved_by <> recommended_by) AND (denied_by IS NULL OR denied_by <> recommended_by) AND (paid_by IS NULL OR paid_by <> approved_by)`,
)
// One live claim (not denied) per tip and offer: a tip is not rewarded twice from one offer.
@Index('uq_reward_claim_live', ['tipId', 'offerId'], { unique: true, where: `state <> 'denied'` })
// A payment is recorded once: the same reference cannot pay a second claim.
@Index('uq_reward_claim_payment_reference', ['paymentReference'], { unique: true, where: 'payment_reference IS NOT NULL' })
@Index('idx_reward_claim_offer', ['offerId', 'id'])
@Index('idx_reward_claim_state', ['state', 'id'])
@Index('idx_reward_claim_recommender', ['recommendedBy', 'id'])
export class RewardClaimEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  offerId!: string;

  @ManyToOne(() => RewardOfferEntity)
  @JoinColumn({ name: 'offer_id', foreignKeyConstraintName: 'fk_reward_claim_offer' })
  offer?: RewardOfferEntity;

  @Column({ type: 'uuid' })
  tipId!: string;

  @ManyToOne(() => TipEntity)
  @JoinColumn({ name: 'tip_id', foreignKeyConstraintName: 'fk_reward_claim_tip' })
  tip?: TipEntity;

  /** Minor units of the offer's currency. */
  @Column({ type: 'bigint' })
  amount!: string;

  @Column({ type: 'text' })
  justification!: string;

  @Column({ type: 'text', default: 'recommended' })
  state!: ClaimState;

  @Column({ type: 'uuid' })
  recommendedBy!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'recommended_by', foreignKeyConstraintName: 'fk_reward_claim_recommender' })
  recommender?: UserEntity;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  recommendedAt!: Date;

  @Column({ type: 'uuid', nullable: true })
  approvedBy!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'approved_by', foreignKeyConstraintName: 'fk_reward_claim_approver' })
  approver?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  approvedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  approvalNote!: string | null;

  @Column({ type: 'uuid', nullable: true })
  deniedBy!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'denied_by', foreignKeyConstraintName: 'fk_reward_claim_denier' })
  denier?: UserEntity;

  @Column({ type: 'timestamptz', nullable: true })
  deniedAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  denialReason!: string | null;

  @Column({ type: 'uuid', nullable: true })
  paidBy!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'paid_by', foreignKeyConstraintName: 'fk_reward_claim_payer' })
  payer?: UserEntity;

  /** When the money went out (as stated by the payer). */
  @Column({ type: 'timestamptz', nullable: true })
  paidAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  paymentReference!: string | null;

  /** When the payment was recorded here. */
  @Column({ type: 'timestamptz', nullable: true })
  paymentRecordedAt!: Date | null;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

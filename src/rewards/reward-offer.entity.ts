import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { SubjectEntity } from '../subjects/subject.entity';
import { UserEntity } from '../users/user.entity';

export const OFFER_STATUSES = ['open', 'closed'] as const;
export type OfferStatus = (typeof OFFER_STATUSES)[number];

/**
 * A reward offer (Rewards for Justice: up to USD 5,000,000 for information on the Silverstar defendants). Money is
 * integer minor units of `currency` in `bigint` columns, never a float. `committed_amount` is the sum of the
 * offer's approved and paid claims: only the reward_claim trigger moves it (under the offer's row lock, which
 * the UPDATE takes), and ck_reward_offer_cap keeps it within the maximum whatever the application does
 * (Rewards migration). Never serialised: responses come from the mappers in dto/.
 */
@Entity({ name: 'reward_offer' })
@Check('ck_reward_offer_status', `status IN ('open', 'closed')`)
@Check('ck_reward_offer_currency', `currency ~ '^[A-Z]{3}$'`)
@Check('ck_reward_offer_max', `max_amount > 0 AND max_amount <= 9007199254740991`)
@Check('ck_reward_offer_cap', `committed_amount >= 0 AND committed_amount <= max_amount`)
@Check('ck_reward_offer_closed', `(status = 'closed') = (closed_at IS NOT NULL)`)
@Index('idx_reward_offer_status', ['status', 'id'])
export class RewardOfferEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** The programme that pays, such as `Rewards for Justice`. */
  @Column({ type: 'text' })
  program!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  /** The most the offer pays in all, in minor units of `currency`. */
  @Column({ type: 'bigint' })
  maxAmount!: string;

  /** ISO 4217, upper case; never changes (the claims' amounts are in it). */
  @Column({ type: 'text' })
  currency!: string;

  /** Approved + paid claims, in minor units: maintained by a trigger on reward_claim, never set directly. */
  @Column({ type: 'bigint', default: 0 })
  committedAmount!: string;

  @Column({ type: 'text', default: 'open' })
  status!: OfferStatus;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_reward_offer_creator' })
  creator?: UserEntity;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

/** A registry subject an offer covers. */
@Entity({ name: 'reward_offer_subject' })
@Index('idx_reward_offer_subject_subject', ['subjectId'])
export class RewardOfferSubjectEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_reward_offer_subject' })
  offerId!: string;

  @ManyToOne(() => RewardOfferEntity)
  @JoinColumn({ name: 'offer_id', foreignKeyConstraintName: 'fk_reward_offer_subject_offer' })
  offer?: RewardOfferEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_reward_offer_subject' })
  subjectId!: string;

  @ManyToOne(() => SubjectEntity)
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_reward_offer_subject_subject' })
  subject?: SubjectEntity;
}

/** A registry organization an offer covers. */
@Entity({ name: 'reward_offer_organization' })
@Index('idx_reward_offer_organization_organization', ['organizationId'])
export class RewardOfferOrganizationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_reward_offer_organization' })
  offerId!: string;

  @ManyToOne(() => RewardOfferEntity)
  @JoinColumn({ name: 'offer_id', foreignKeyConstraintName: 'fk_reward_offer_organization_offer' })
  offer?: RewardOfferEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_reward_offer_organization' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_reward_offer_organization_organization' })
  organization?: OrganizationEntity;
}

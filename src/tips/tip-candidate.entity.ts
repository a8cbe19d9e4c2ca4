import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { TipEntity } from './tip.entity';

export type CandidateEntityType = 'subject' | 'organization' | 'selector';
export type CandidateStatus = 'pending' | 'confirmed' | 'rejected';

/**
 * A registry entity a tip may be about, found at intake, waiting for a human judgement. One row per (tip,
 * entity): a rejected one stays, so matching the tip again never suggests it anew; a confirmed one is the
 * tip's link to the entity.
 */
@Entity({ name: 'tip_candidate' })
@Check('ck_tip_candidate_type', `entity_type IN ('subject', 'organization', 'selector')`)
@Check('ck_tip_candidate_status', `status IN ('pending', 'confirmed', 'rejected')`)
@Index('idx_tip_candidate_entity', ['entityId'])
export class TipCandidateEntity {
  @PrimaryColumn({ type: 'uuid' })
  tipId!: string;

  @ManyToOne(() => TipEntity)
  @JoinColumn({ name: 'tip_id', foreignKeyConstraintName: 'fk_tip_candidate_tip' })
  tip?: TipEntity;

  @PrimaryColumn({ type: 'text' })
  entityType!: CandidateEntityType;

  @PrimaryColumn({ type: 'uuid' })
  entityId!: string;

  @Column({ type: 'real' })
  score!: number;

  /** Why it matched, in words (`e-mail jdoe@example.org is used by Unnamed defendant 3`). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  reasons!: string[];

  @Column({ type: 'text', default: 'pending' })
  status!: CandidateStatus;

  @Column({ type: 'uuid', nullable: true })
  decidedBy!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  decidedAt!: Date | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { TipEntity } from './tip.entity';

/**
 * A tip waiting to be matched (status `matching`): taken in batches by the matching worker of any replica
 * (`FOR UPDATE SKIP LOCKED`) and deleted in the transaction that stores the tip's candidates. A batch that fails
 * is retried after `available_at`.
 */
@Entity({ name: 'tip_match_queue' })
@Index('idx_tip_match_queue_next', ['availableAt', 'enqueuedAt'])
export class TipMatchQueueEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_tip_match_queue' })
  tipId!: string;

  @ManyToOne(() => TipEntity)
  @JoinColumn({ name: 'tip_id', foreignKeyConstraintName: 'fk_tip_match_queue_tip' })
  tip?: TipEntity;

  /** The narrative's name-like phrases, read at intake (the extracted identifiers are on the tip). */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  phrases!: string[];

  @Column({ type: 'timestamptz', default: () => 'now()' })
  enqueuedAt!: Date;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  availableAt!: Date;

  @Column({ type: 'int', default: 0 })
  attempts!: number;
}

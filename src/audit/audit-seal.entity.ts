import { Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AuditEventEntity } from './audit-event.entity';

/**
 * A record's place in the hash chain: hash = SHA-256(prevHash ‖ "\n" ‖ canonical record). Written once by
 * the sequencer, insert-only (triggers refuse UPDATE, DELETE and TRUNCATE).
 */
@Entity({ name: 'audit_seal' })
export class AuditSealEntity {
  /** Gap-free position in the chain, from 1. */
  @PrimaryColumn({ type: 'bigint' })
  chainPosition!: string;

  @Index('uq_audit_seal_seq', { unique: true })
  @Column({ type: 'bigint' })
  seq!: string;

  @ManyToOne(() => AuditEventEntity, { onDelete: 'NO ACTION' })
  @JoinColumn({ name: 'seq', referencedColumnName: 'seq' })
  event?: AuditEventEntity;

  @Column({ type: 'text' })
  prevHash!: string;

  @Column({ type: 'text' })
  hash!: string;

  @Column({ type: 'timestamptz', precision: 6, default: () => 'clock_timestamp()' })
  sealedAt!: Date;
}

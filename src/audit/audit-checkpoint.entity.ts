import { Column, Entity, PrimaryColumn } from 'typeorm';

/** A signed statement of the chain's head at a position: insert-only (triggers refuse changes). */
@Entity({ name: 'audit_checkpoint' })
export class AuditCheckpointEntity {
  @PrimaryColumn({ type: 'bigint' })
  chainPosition!: string;

  @Column({ type: 'text' })
  headHash!: string;

  @Column({ type: 'timestamptz', precision: 6 })
  createdAt!: Date;

  @Column({ type: 'text' })
  algorithm!: 'ed25519';

  @Column({ type: 'text' })
  keyId!: string;

  /** base64 signature of `checkpointMessage(position, headHash, createdAt)`. */
  @Column({ type: 'text' })
  signature!: string;
}

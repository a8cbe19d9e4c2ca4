import { Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

/** A POST remembered by its Idempotency-Key, per principal, for at least 24 hours. */
@Entity({ name: 'idempotency_key' })
@Index('idx_idempotency_key_expires_at', ['expiresAt'])
export class IdempotencyKeyEntity {
  /** `user:<id>` or `integration:<id>`: keys never collide across principals. */
  @PrimaryColumn({ type: 'text' })
  principal!: string;

  @PrimaryColumn({ type: 'text' })
  key!: string;

  /** SHA-256 of method, path and canonical body: the same key with another body is refused. */
  @Column({ type: 'text' })
  requestHash!: string;

  @Column({ type: 'text' })
  state!: 'in_flight' | 'completed';

  @Column({ type: 'int', nullable: true })
  responseStatus!: number | null;

  @Column({ type: 'jsonb', nullable: true })
  responseBody!: unknown;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** An in-flight key whose request died is taken over after this moment. */
  @Column({ type: 'timestamptz' })
  lockedUntil!: Date;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}

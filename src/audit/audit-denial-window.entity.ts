import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * Identical denials from one source (a principal, or an IP when anonymous) on one route for one reason,
 * counted per fixed window so the trail cannot be flooded: the first of a window is recorded as usual, the
 * rest only increment `hits`; when the window has closed, one aggregate record with the count replaces the
 * row (AuditRepository.flushDenialWindows). Shared by every replica.
 */
@Entity({ name: 'audit_denial_window' })
@Index('idx_audit_denial_window_expires_at', ['expiresAt'])
export class AuditDenialWindowEntity {
  /** `<source>|<action>|<resource>|<reason>`. */
  @PrimaryColumn({ type: 'text', primaryKeyConstraintName: 'pk_audit_denial_window' })
  key!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'pk_audit_denial_window' })
  windowStart!: Date;

  @Column({ type: 'int' })
  hits!: number;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;

  /** The first denial's record, as written (redacted): the aggregate record repeats it, with the count. */
  @Column({ type: 'jsonb' })
  record!: Record<string, unknown>;
}

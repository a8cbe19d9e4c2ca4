import { Check, Column, Entity, Index, PrimaryGeneratedColumn } from 'typeorm';

export type AuditOutcome = 'success' | 'denied' | 'error';
export type AuditActorKind = 'user' | 'integration' | 'system' | 'anonymous';

/**
 * One record of the audit trail. Insert-only in the database: triggers refuse UPDATE, DELETE and TRUNCATE.
 * Its place in the hash chain is recorded apart, in audit_seal, by the sequencer.
 */
@Entity({ name: 'audit_event' })
@Check('ck_audit_event_outcome', `outcome IN ('success', 'denied', 'error')`)
@Check('ck_audit_event_actor_kind', `actor_kind IN ('user', 'integration', 'system', 'anonymous')`)
// Time ranges: a BRIN index (the trail is append-only, so time follows insertion order), made by the
// AuditAppendOnly migration; the others are partial where the column is often NULL. Fewer, cheaper index
// writes keep the audit record's cost to a write small.
@Index('idx_audit_event_occurred_at', { synchronize: false })
@Index('idx_audit_event_actor', ['actorId', 'seq'], { where: 'actor_id IS NOT NULL' })
@Index('idx_audit_event_action', ['action', 'seq'])
@Index('idx_audit_event_case', ['caseId', 'seq'], { where: 'case_id IS NOT NULL' })
@Index('idx_audit_event_resource', ['resourceType', 'resourceId', 'seq'], { where: 'resource_id IS NOT NULL' })
export class AuditEventEntity {
  /** Insertion order (not the chain order: the sequencer assigns the chain position when it seals). */
  @PrimaryGeneratedColumn({ type: 'bigint' })
  seq!: string;

  @Column({ type: 'timestamptz', precision: 6, default: () => 'clock_timestamp()' })
  occurredAt!: Date;

  @Column({ type: 'text' })
  actorKind!: AuditActorKind;

  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @Column({ type: 'text', array: true, default: () => "'{}'" })
  actorRoles!: string[];

  @Column({ type: 'text' })
  action!: string;

  @Column({ type: 'text', nullable: true })
  resourceType!: string | null;

  @Column({ type: 'text', nullable: true })
  resourceId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  caseId!: string | null;

  @Column({ type: 'text' })
  outcome!: AuditOutcome;

  @Column({ type: 'text', nullable: true })
  requestId!: string | null;

  @Column({ type: 'text', nullable: true })
  sourceIp!: string | null;

  @Column({ type: 'text', nullable: true })
  userAgent!: string | null;

  /** For writes: `{ field: { before, after } }`, secrets and tipster identity redacted. */
  @Column({ type: 'jsonb', nullable: true })
  changes!: Record<string, { before: unknown; after: unknown }> | null;

  /** Context: a stated reason, a denial's cause, filters of an audit read… (redacted likewise). */
  @Column({ type: 'jsonb', nullable: true })
  details!: Record<string, unknown> | null;
}

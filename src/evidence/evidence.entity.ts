import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { CaseEntity } from '../cases/case.entity';
import { UserEntity } from '../users/user.entity';

export const EVIDENCE_KINDS = ['document', 'digital_file', 'device', 'financial_record', 'communication', 'source_code', 'other'] as const;
export type EvidenceKind = (typeof EVIDENCE_KINDS)[number];

/** Where an item stands in its chain of custody (the state machine of custody-rules.ts). */
export const CUSTODY_STATES = ['in_custody', 'checked_out', 'sealed', 'released', 'destroyed'] as const;
export type CustodyState = (typeof CUSTODY_STATES)[number];

export type IntegrityStatus = 'ok' | 'failed';

/**
 * An item of evidence under a case. Its number `<case number>-E<4 digits>` comes from the case's counter
 * (evidence_number_counter) in the creating transaction: unique and gap-free. The file, when there is one,
 * lives in the evidence store under the SHA-256 of its content (`storage_key`); the client's file name is
 * kept here as metadata only. `version` moves with every custody event (the item's custody `seq`).
 */
@Entity({ name: 'evidence_item' })
@Check('ck_evidence_item_kind', `kind IN ('document', 'digital_file', 'device', 'financial_record', 'communication', 'source_code', 'other')`)
@Check('ck_evidence_item_state', `custody_state IN ('in_custody', 'checked_out', 'sealed', 'released', 'destroyed')`)
@Check('ck_evidence_item_integrity', `integrity IN ('ok', 'failed')`)
@Index('uq_evidence_item_number', ['caseId', 'numberSeq'], { unique: true })
@Index('uq_evidence_item_evidence_number', ['evidenceNumber'], { unique: true })
@Index('idx_evidence_item_custodian', ['custodianId'])
@Index('idx_evidence_item_verify', ['lastVerifiedAt'], { where: 'storage_key IS NOT NULL' })
export class EvidenceItemEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_evidence_item_case' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  evidenceNumber!: string;

  @Column({ type: 'int' })
  numberSeq!: number;

  @Column({ type: 'text' })
  kind!: EvidenceKind;

  @Column({ type: 'text' })
  description!: string;

  @Column({ type: 'timestamptz' })
  collectedAt!: Date;

  /** Who seized or received it (a name and agency, as written on the evidence form). */
  @Column({ type: 'text' })
  collectedBy!: string;

  @Column({ type: 'text', default: '' })
  collectedFrom!: string;

  @Column({ type: 'uuid' })
  custodianId!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'custodian_id', foreignKeyConstraintName: 'fk_evidence_item_custodian' })
  custodian?: UserEntity;

  @Column({ type: 'text', default: 'in_custody' })
  custodyState!: CustodyState;

  @Column({ type: 'text', nullable: true })
  sealNumber!: string | null;

  /** SHA-256 (hex) of the file's content; also its key in the evidence store. */
  @Column({ type: 'text', nullable: true })
  storageKey!: string | null;

  @Column({ type: 'bigint', nullable: true })
  fileSize!: string | null;

  @Column({ type: 'text', nullable: true })
  fileName!: string | null;

  @Column({ type: 'text', nullable: true })
  declaredContentType!: string | null;

  @Column({ type: 'text', nullable: true })
  detectedContentType!: string | null;

  @Column({ type: 'text', nullable: true })
  integrity!: IntegrityStatus | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastVerifiedAt!: Date | null;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'created_by', foreignKeyConstraintName: 'fk_evidence_item_creator' })
  creator?: UserEntity;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

export const CUSTODY_EVENTS = ['collected', 'transferred', 'checked_out', 'checked_in', 'sealed', 'unsealed', 'released', 'destroyed', 'verified'] as const;
export type CustodyEventType = (typeof CUSTODY_EVENTS)[number];

/**
 * The chain of custody: append-only (row triggers refuse UPDATE and DELETE, a statement trigger TRUNCATE).
 * `seq` is the item's version after the event: 1 is `collected`.
 */
@Entity({ name: 'evidence_custody_event' })
@Check('ck_evidence_custody_event_type', `event IN ('collected', 'transferred', 'checked_out', 'checked_in', 'sealed', 'unsealed', 'released', 'destroyed', 'verified')`)
@Index('uq_evidence_custody_event_seq', ['evidenceId', 'seq'], { unique: true })
export class EvidenceCustodyEventEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  evidenceId!: string;

  @ManyToOne(() => EvidenceItemEntity)
  @JoinColumn({ name: 'evidence_id', foreignKeyConstraintName: 'fk_evidence_custody_event_item' })
  evidence?: EvidenceItemEntity;

  @Column({ type: 'int' })
  seq!: number;

  @Column({ type: 'text' })
  event!: CustodyEventType;

  /** Who recorded it; null for the integrity sweep (the system). */
  @Column({ type: 'uuid', nullable: true })
  actorId!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'actor_id', foreignKeyConstraintName: 'fk_evidence_custody_event_actor' })
  actor?: UserEntity;

  /** When it happened (as stated); `recordedAt` is when it was recorded. */
  @Column({ type: 'timestamptz' })
  occurredAt!: Date;

  @CreateDateColumn({ type: 'timestamptz' })
  recordedAt!: Date;

  @Column({ type: 'text' })
  location!: string;

  @Column({ type: 'text' })
  purpose!: string;

  @Column({ type: 'uuid', nullable: true })
  fromCustodianId!: string | null;

  @Column({ type: 'uuid', nullable: true })
  toCustodianId!: string | null;

  @Column({ type: 'text', nullable: true })
  sealNumber!: string | null;

  /** The result of a `verified` event (ok, the digest found, where damage was met). */
  @Column({ type: 'jsonb', nullable: true })
  result!: Record<string, unknown> | null;
}

/** The last evidence number given out per case (see CaseNumberCounterEntity: the same gap-free scheme). */
@Entity({ name: 'evidence_number_counter' })
export class EvidenceNumberCounterEntity {
  @PrimaryColumn({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_evidence_number_counter_case' })
  case?: CaseEntity;

  @Column({ type: 'int' })
  lastSeq!: number;
}

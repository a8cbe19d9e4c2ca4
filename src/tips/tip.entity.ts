import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { CaseEntity } from '../cases/case.entity';
import { IntegrationEntity } from '../integrations/integration.entity';
import { UserEntity } from '../users/user.entity';

export type TipStatus = 'matching' | 'received' | 'triaged' | 'assigned' | 'actionable' | 'not_actionable' | 'closed' | 'duplicate';
export type TipChannel = 'web_form' | 'hotline' | 'email' | 'partner' | 'employer' | 'other';

/**
 * A tip from the public, pushed by an integration. Never serialised: responses are built by the mappers in
 * dto/. The tipster's identity is one AES-256-GCM ciphertext (`tipster_identity`, its key id beside it in
 * `tipster_key_id`, bound to the tip's id); staff see only `tipster_pseudonym`, derived from the keyed hashes
 * of the normalised e-mail and phone (which find repeat tipsters without decrypting). No IP address or user
 * agent of anyone is stored here.
 */
@Entity({ name: 'tip' })
@Check('ck_tip_status', `status IN ('matching', 'received', 'triaged', 'assigned', 'actionable', 'not_actionable', 'closed', 'duplicate')`)
@Check('ck_tip_channel', `channel IN ('web_form', 'hotline', 'email', 'partner', 'employer', 'other')`)
@Check('ck_tip_priority', `priority BETWEEN 1 AND 4`)
@Check('ck_tip_reliability', `source_reliability IS NULL OR source_reliability IN ('A', 'B', 'C', 'D', 'E', 'F')`)
@Check('ck_tip_credibility', `information_credibility IS NULL OR information_credibility BETWEEN 1 AND 6`)
@Check('ck_tip_duplicate', `(status = 'duplicate') = (duplicate_of IS NOT NULL)`)
@Check('ck_tip_identity', `(tipster_identity IS NULL) = (tipster_key_id IS NULL)`)
@Index('uq_tip_reference', ['reference'], { unique: true })
@Index('uq_tip_external', ['integrationId', 'externalId'], { unique: true })
@Index('idx_tip_case', ['caseId'], { where: 'case_id IS NOT NULL' })
@Index('idx_tip_assignee', ['assigneeId'], { where: 'assignee_id IS NOT NULL' })
@Index('idx_tip_tipster_email', ['tipsterEmailHmac', 'receivedAt'], { where: 'tipster_email_hmac IS NOT NULL' })
@Index('idx_tip_tipster_phone', ['tipsterPhoneHmac', 'receivedAt'], { where: 'tipster_phone_hmac IS NOT NULL' })
@Index('idx_tip_key_id', ['tipsterKeyId', 'id'], { where: 'tipster_key_id IS NOT NULL' })
// The queue (priority DESC, received_at, id), the same per status, and the narrative's trigrams (near
// duplicates): made by the Tips migration.
@Index('idx_tip_queue', { synchronize: false })
@Index('idx_tip_status_queue', { synchronize: false })
@Index('idx_tip_narrative_trgm', { synchronize: false })
export class TipEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  /** `TIP-` + 8 characters of an unambiguous alphabet: what the integration and the tipster quote. */
  @Column({ type: 'text' })
  reference!: string;

  @Column({ type: 'uuid' })
  integrationId!: string;

  @ManyToOne(() => IntegrationEntity)
  @JoinColumn({ name: 'integration_id', foreignKeyConstraintName: 'fk_tip_integration' })
  integration?: IntegrationEntity;

  /** The integration's own id of the tip: the same one again is a retry (uq_tip_external). */
  @Column({ type: 'text', nullable: true })
  externalId!: string | null;

  @Column({ type: 'text' })
  channel!: TipChannel;

  @Column({ type: 'text' })
  narrative!: string;

  @Column({ type: 'text', nullable: true })
  language!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  occurredAt!: Date | null;

  @Column({ type: 'boolean', default: false })
  rewardInterest!: boolean;

  @Column({ type: 'boolean' })
  anonymous!: boolean;

  /** AES-256-GCM ciphertext of the identity (name, e-mail, phone, contact preference), AAD `tip:<id>:tipster`. */
  @Column({ type: 'text', nullable: true })
  tipsterIdentity!: string | null;

  /** The id of the key that encrypted tipster_identity (also inside the ciphertext): what re-encryption looks for. */
  @Column({ type: 'text', nullable: true })
  tipsterKeyId!: string | null;

  /** HMAC-SHA256 (HMAC_KEY) of the normalised e-mail. */
  @Column({ type: 'text', nullable: true })
  tipsterEmailHmac!: string | null;

  /** HMAC-SHA256 (HMAC_KEY) of the E.164 phone. */
  @Column({ type: 'text', nullable: true })
  tipsterPhoneHmac!: string | null;

  /** `Tipster 7F3K`: stable per tipster (derived from the e-mail's, else the phone's HMAC); null when anonymous. */
  @Column({ type: 'text', nullable: true })
  tipsterPseudonym!: string | null;

  @Column({ type: 'text', default: 'received' })
  status!: TipStatus;

  /** 1 low, 2 normal, 3 high, 4 urgent. */
  @Column({ type: 'smallint', default: 2 })
  priority!: number;

  @Column({ type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'assignee_id', foreignKeyConstraintName: 'fk_tip_assignee' })
  assignee?: UserEntity;

  /** Linked to a case: from then on the case's need-to-know applies. */
  @Column({ type: 'uuid', nullable: true })
  caseId!: string | null;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_tip_case' })
  case?: CaseEntity;

  /** Admiralty scale: source reliability A–F. */
  @Column({ type: 'text', nullable: true })
  sourceReliability!: string | null;

  /** Admiralty scale: information credibility 1–6. */
  @Column({ type: 'smallint', nullable: true })
  informationCredibility!: number | null;

  @Column({ type: 'uuid', nullable: true })
  duplicateOf!: string | null;

  @ManyToOne(() => TipEntity)
  @JoinColumn({ name: 'duplicate_of', foreignKeyConstraintName: 'fk_tip_duplicate_of' })
  duplicateOfTip?: TipEntity;

  /** Flagged at intake: an earlier tip this one may repeat (cleared or confirmed by staff). */
  @Column({ type: 'uuid', nullable: true })
  possibleDuplicateOf!: string | null;

  @ManyToOne(() => TipEntity)
  @JoinColumn({ name: 'possible_duplicate_of', foreignKeyConstraintName: 'fk_tip_possible_duplicate_of' })
  possibleDuplicateOfTip?: TipEntity;

  @Column({ type: 'real', nullable: true })
  possibleDuplicateScore!: number | null;

  /** `same-tipster` or `similar-narrative`. */
  @Column({ type: 'text', nullable: true })
  possibleDuplicateReason!: string | null;

  /** The identifiers extracted from the narrative: [{kind, normalizedValue}]. */
  @Column({ type: 'jsonb', default: () => `'[]'` })
  extracted!: { kind: string; normalizedValue: string }[];

  /** How many match candidates the tip has (the queue's has-matches filter). */
  @Column({ type: 'int', default: 0 })
  candidateCount!: number;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  receivedAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

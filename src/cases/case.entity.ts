import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';

export type CaseStatus = 'open' | 'active' | 'closed';
export type CaseSensitivity = 'restricted' | 'confidential' | 'secret';

/**
 * A case file (`case` is an SQL keyword, hence `case_file`). Never serialised: responses are built by
 * toCaseResponse(). Its number `CF-<year>-<seq>` comes from the per-year counter (case_number_counter),
 * taken in the creating transaction, so numbers are gap-free; `number_year`/`number_seq` are its sort key.
 */
@Entity({ name: 'case_file' })
@Check('ck_case_file_status', `status IN ('open', 'active', 'closed')`)
@Check('ck_case_file_sensitivity', `sensitivity IN ('restricted', 'confidential', 'secret')`)
@Index('uq_case_file_number', ['numberYear', 'numberSeq'], { unique: true })
@Index('uq_case_file_case_number', ['caseNumber'], { unique: true })
@Index('idx_case_file_activity', ['lastActivityAt', 'id'])
// Words of the title: a GIN index on to_tsvector('simple', title), made by the Cases migration.
@Index('idx_case_file_title_words', { synchronize: false })
export class CaseEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  caseNumber!: string;

  @Column({ type: 'smallint' })
  numberYear!: number;

  @Column({ type: 'int' })
  numberSeq!: number;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  summary!: string;

  @Column({ type: 'text', default: 'open' })
  status!: CaseStatus;

  @Column({ type: 'text' })
  sensitivity!: CaseSensitivity;

  /** The member whose role is `lead` (kept in the same transaction as case_member). */
  @Column({ type: 'uuid' })
  leadInvestigatorId!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'lead_investigator_id', foreignKeyConstraintName: 'fk_case_file_lead' })
  leadInvestigator?: UserEntity;

  /** Set and cleared by supervisors only; evidence and records under the case inherit it. */
  @Column({ type: 'boolean', default: false })
  legalHold!: boolean;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  /** Any change to the case or under it (notes, tasks, members): the default sort of lists. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastActivityAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  closedAt!: Date | null;

  @VersionColumn({ default: 1 })
  version!: number;
}

import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';

export const SUBJECT_STATUSES = ['unidentified', 'identified', 'charged', 'wanted', 'in_custody', 'convicted', 'cleared'] as const;
export type SubjectStatus = (typeof SUBJECT_STATUSES)[number];

/** How much of a date of birth is known: the stored date is the first day of that period. */
export type DatePrecision = 'day' | 'month' | 'year';

export interface SubjectAlias {
  name: string;
  source: string | null;
}
export interface SubjectCharge {
  statute: string;
  description: string;
  counts: number;
}
export interface SubjectIndictment {
  court: string;
  docketNumber: string | null;
  date: string | null;
}

/**
 * A person of interest in the entity registry. Names (the full name and every alias) are copied by a trigger
 * into subject_name, which the fuzzy search indexes.
 */
@Entity({ name: 'subject' })
@Check('ck_subject_status', `status IN ('unidentified', 'identified', 'charged', 'wanted', 'in_custody', 'convicted', 'cleared')`)
@Check('ck_subject_dob', `(dob_date IS NULL) = (dob_precision IS NULL) AND (dob_precision IS NULL OR dob_precision IN ('day', 'month', 'year'))`)
@Check('ck_subject_nationality', `nationality IS NULL OR nationality ~ '^[A-Z]{2}$'`)
@Index('idx_subject_status', ['status', 'id'])
@Index('idx_subject_nationality', ['nationality', 'id'], { where: 'nationality IS NOT NULL' })
// GIN (charges jsonb_path_ops) for "charged under a statute": made by the RegistryEntities migration.
@Index('idx_subject_charges', { synchronize: false })
export class SubjectEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  fullName!: string;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  aliases!: SubjectAlias[];

  @Column({ type: 'text', nullable: true })
  nationality!: string | null;

  @Column({ type: 'date', nullable: true })
  dobDate!: string | null;

  @Column({ type: 'text', nullable: true })
  dobPrecision!: DatePrecision | null;

  @Column({ type: 'text' })
  status!: SubjectStatus;

  @Column({ type: 'jsonb', default: () => "'[]'" })
  charges!: SubjectCharge[];

  @Column({ type: 'jsonb', nullable: true })
  indictment!: SubjectIndictment | null;

  @Column({ type: 'text', nullable: true })
  description!: string | null;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

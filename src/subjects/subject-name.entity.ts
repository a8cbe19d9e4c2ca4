import { Check, Column, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { SubjectEntity } from './subject.entity';

/**
 * One name of a subject (its full name, ord 0, or an alias), kept by the trigger `subject_names_sync` from
 * subject.full_name and subject.aliases: the rows the fuzzy name search reads.
 */
@Entity({ name: 'subject_name' })
@Check('ck_subject_name_kind', `kind IN ('full_name', 'alias')`)
// GIN (casefile_name_key(name) gin_trgm_ops): an expression index TypeORM cannot express, made by the migration.
@Index('idx_subject_name_trgm', { synchronize: false })
export class SubjectNameEntity {
  @PrimaryColumn({ type: 'uuid' })
  subjectId!: string;

  @PrimaryColumn({ type: 'int' })
  ord!: number;

  @Column({ type: 'text' })
  name!: string;

  @Column({ type: 'text' })
  kind!: 'full_name' | 'alias';

  @ManyToOne(() => SubjectEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_subject_name_subject' })
  subject?: SubjectEntity;
}

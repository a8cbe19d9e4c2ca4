import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { OrganizationEntity } from '../organizations/organization.entity';
import { SubjectEntity } from '../subjects/subject.entity';
import { CaseEntity } from './case.entity';

/** A registry subject linked to a case: the case's people of interest. */
@Entity({ name: 'case_subject' })
@Index('idx_case_subject_subject', ['subjectId', 'caseId'])
export class CaseSubjectEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_subject' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_subject_case' })
  case?: CaseEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_subject' })
  subjectId!: string;

  @ManyToOne(() => SubjectEntity)
  @JoinColumn({ name: 'subject_id', foreignKeyConstraintName: 'fk_case_subject_subject' })
  subject?: SubjectEntity;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'uuid' })
  addedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

/** A registry organization linked to a case (the front companies, a victim employer…). */
@Entity({ name: 'case_organization' })
@Index('idx_case_organization_organization', ['organizationId', 'caseId'])
export class CaseOrganizationEntity {
  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_organization' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_organization_case' })
  case?: CaseEntity;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'pk_case_organization' })
  organizationId!: string;

  @ManyToOne(() => OrganizationEntity)
  @JoinColumn({ name: 'organization_id', foreignKeyConstraintName: 'fk_case_organization_organization' })
  organization?: OrganizationEntity;

  @Column({ type: 'text', nullable: true })
  reason!: string | null;

  @Column({ type: 'uuid' })
  addedBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

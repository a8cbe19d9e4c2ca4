import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { CaseEntity } from './case.entity';

export type CaseMemberRole = 'lead' | 'member' | 'viewer';

/**
 * Who belongs to which case: the basis of need-to-know. Exactly one member of a case is its `lead` (at most
 * one by the partial unique index; at least one because every change of members locks the case row first
 * and refuses to leave it without one).
 */
@Entity({ name: 'case_member' })
@Check('ck_case_member_role', `role IN ('lead', 'member', 'viewer')`)
@Index('idx_case_member_user', ['userId'])
@Index('uq_case_member_lead', ['caseId'], { unique: true, where: `role = 'lead'` })
export class CaseMemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_member_case' })
  case?: CaseEntity;

  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'user_id', foreignKeyConstraintName: 'fk_case_member_user' })
  user?: UserEntity;

  @Column({ type: 'text' })
  role!: CaseMemberRole;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

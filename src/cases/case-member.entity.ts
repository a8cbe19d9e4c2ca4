import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn } from 'typeorm';

export type CaseMemberRole = 'lead' | 'member' | 'viewer';

/**
 * Who belongs to which case: the basis of need-to-know. (The case itself arrives with the Case issue,
 * which adds the foreign key to it.)
 */
@Entity({ name: 'case_member' })
@Check('ck_case_member_role', `role IN ('lead', 'member', 'viewer')`)
@Index('idx_case_member_user', ['userId'])
export class CaseMemberEntity {
  @PrimaryColumn({ type: 'uuid' })
  caseId!: string;

  @PrimaryColumn({ type: 'uuid' })
  userId!: string;

  @Column({ type: 'text' })
  role!: CaseMemberRole;

  @CreateDateColumn({ type: 'timestamptz' })
  addedAt!: Date;
}

import { Check, Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { CaseEntity } from './case.entity';

export type TaskStatus = 'open' | 'done' | 'cancelled';

/** A task of a case: assigned to a member, with an optional due date (a calendar date). */
@Entity({ name: 'case_task' })
@Check('ck_case_task_status', `status IN ('open', 'done', 'cancelled')`)
@Index('idx_case_task_case', ['caseId'])
// Open tasks by assignee and due date (nulls last): an expression index made by the Cases migration.
@Index('idx_case_task_assignee_open', { synchronize: false })
export class CaseTaskEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_task_case' })
  case?: CaseEntity;

  @Column({ type: 'text' })
  title!: string;

  @Column({ type: 'text', default: '' })
  description!: string;

  @Column({ type: 'uuid', nullable: true })
  assigneeId!: string | null;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'assignee_id', foreignKeyConstraintName: 'fk_case_task_assignee' })
  assignee?: UserEntity;

  @Column({ type: 'date', nullable: true })
  dueDate!: string | null;

  @Column({ type: 'text', default: 'open' })
  status!: TaskStatus;

  @Column({ type: 'uuid' })
  createdBy!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;
}

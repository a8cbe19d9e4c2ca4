import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn, VersionColumn } from 'typeorm';
import { UserEntity } from '../users/user.entity';
import { CaseEntity } from './case.entity';

/**
 * A note on a case. Appended by members (not viewers); edited only by its author; never deleted. The text
 * before each edit stays in the audit trail (the edit's `changes`). Ids are UUIDv7, so `id` order is
 * creation order: the list's keyset.
 */
@Entity({ name: 'case_note' })
@Index('idx_case_note_case', ['caseId', 'id'])
export class CaseNoteEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'uuid' })
  caseId!: string;

  @ManyToOne(() => CaseEntity)
  @JoinColumn({ name: 'case_id', foreignKeyConstraintName: 'fk_case_note_case' })
  case?: CaseEntity;

  @Column({ type: 'uuid' })
  authorId!: string;

  @ManyToOne(() => UserEntity)
  @JoinColumn({ name: 'author_id', foreignKeyConstraintName: 'fk_case_note_author' })
  author?: UserEntity;

  @Column({ type: 'text' })
  body!: string;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  editedAt!: Date | null;

  @VersionColumn({ default: 1 })
  version!: number;
}

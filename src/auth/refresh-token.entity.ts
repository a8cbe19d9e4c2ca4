import { Column, CreateDateColumn, Entity, Index, JoinColumn, ManyToOne, PrimaryColumn } from 'typeorm';
import { AuthSessionEntity } from './auth-session.entity';

/** One refresh token of a session's family, by its SHA-256 (the token itself is never stored). */
@Entity({ name: 'refresh_token' })
@Index('idx_refresh_token_session', ['sessionId'])
export class RefreshTokenEntity {
  @PrimaryColumn({ type: 'text' })
  tokenHash!: string;

  @Column({ type: 'uuid' })
  sessionId!: string;

  @ManyToOne(() => AuthSessionEntity, { onDelete: 'CASCADE' })
  @JoinColumn({ name: 'session_id' })
  session?: AuthSessionEntity;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  /** Set when rotated: presenting it again is reuse, and revokes the whole family. */
  @Column({ type: 'timestamptz', nullable: true })
  usedAt!: Date | null;
}

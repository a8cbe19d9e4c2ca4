import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { Role } from '../access/request-context';

/** A staff account. Never serialised: responses are built by toUserResponse(). */
@Entity({ name: 'app_user' })
@Check('ck_app_user_roles', `cardinality(roles) >= 1 AND roles <@ ARRAY['admin', 'supervisor', 'investigator', 'analyst', 'intake', 'auditor']::text[]`)
@Check('ck_app_user_failed_login_count', `failed_login_count >= 0`)
@Index('idx_app_user_last_seen', ['lastSeenAt'], { where: 'disabled_at IS NULL' })
export class UserEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Index('uq_app_user_username', { unique: true })
  @Column({ type: 'citext' })
  username!: string;

  @Column({ type: 'text' })
  displayName!: string;

  @Column({ type: 'text' })
  passwordHash!: string;

  @Column({ type: 'text', array: true })
  roles!: Role[];

  @Column({ type: 'timestamptz', nullable: true })
  disabledAt!: Date | null;

  @Column({ type: 'text', nullable: true })
  disabledReason!: string | null;

  /** Sessions that began before this moment are over for good (set when the account is disabled). */
  @Column({ type: 'timestamptz', nullable: true })
  sessionsValidFrom!: Date | null;

  @Column({ type: 'int', default: 0 })
  failedLoginCount!: number;

  @Column({ type: 'timestamptz', nullable: true })
  lockedUntil!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastLoginAt!: Date | null;

  /** Last sign-in or token refresh: the 90-day inactivity job reads it. */
  @Column({ type: 'timestamptz', default: () => 'now()' })
  lastSeenAt!: Date;

  /** TOTP secret, AES-256-GCM encrypted (FieldEncryption), once enrolment is confirmed. */
  @Column({ type: 'text', nullable: true })
  totpSecret!: string | null;

  /** Secret offered by an enrolment not confirmed yet (encrypted). */
  @Column({ type: 'text', nullable: true })
  totpPendingSecret!: string | null;

  @Column({ type: 'timestamptz', nullable: true })
  totpEnabledAt!: Date | null;

  /** The last TOTP time step accepted: a code is accepted once. */
  @Column({ type: 'bigint', nullable: true })
  totpLastStep!: string | null;

  @Column({ type: 'timestamptz', default: () => 'now()' })
  passwordChangedAt!: Date;

  @VersionColumn({ default: 1 })
  version!: number;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @UpdateDateColumn({ type: 'timestamptz' })
  updatedAt!: Date;
}

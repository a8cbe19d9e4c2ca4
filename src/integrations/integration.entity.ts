import { Column, CreateDateColumn, Entity, PrimaryColumn, VersionColumn, Index } from 'typeorm';

/** A tip-intake integration. Its API key is shown once; only a prefix and a SHA-256 are kept. */
@Entity({ name: 'integration' })
export class IntegrationEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  name!: string;

  /** Public, recognisable part of the key, used to find it (`cfk_<prefix>_…`). */
  @Index('uq_integration_key_prefix', { unique: true })
  @Column({ type: 'text' })
  keyPrefix!: string;

  /** SHA-256 (hex) of the whole key, compared in constant time. */
  @Column({ type: 'text' })
  keyHash!: string;

  @Column({ type: 'uuid', nullable: true })
  createdBy!: string | null;

  @CreateDateColumn({ type: 'timestamptz' })
  createdAt!: Date;

  @Column({ type: 'timestamptz', nullable: true })
  rotatedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  revokedAt!: Date | null;

  @Column({ type: 'timestamptz', nullable: true })
  lastUsedAt!: Date | null;

  @VersionColumn({ default: 1 })
  version!: number;
}

import { Check, Column, CreateDateColumn, Entity, Index, PrimaryColumn, UpdateDateColumn, VersionColumn } from 'typeorm';
import type { SelectorKind } from './selector-normalizers';

/** An identifier that ties activity to people, unique per (kind, normalised value). */
@Entity({ name: 'selector' })
@Check(
  'ck_selector_kind',
  `kind IN ('email', 'phone', 'domain', 'url', 'username', 'crypto_wallet', 'bank_account', 'ip_address', 'device_serial', 'identity_document', 'stolen_identity')`,
)
@Index('uq_selector_kind_value', ['kind', 'normalizedValue'], { unique: true })
@Index('idx_selector_kind', ['kind', 'id'])
export class SelectorEntity {
  @PrimaryColumn({ type: 'uuid' })
  id!: string;

  @Column({ type: 'text' })
  kind!: SelectorKind;

  /** The value as first recorded. */
  @Column({ type: 'text' })
  value!: string;

  @Column({ type: 'text' })
  normalizedValue!: string;

  /** username: platform; crypto_wallet: chain; identity_document: issuing country. */
  @Column({ type: 'text', nullable: true })
  qualifier!: string | null;

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

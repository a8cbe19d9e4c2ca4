import { Column, Entity, PrimaryColumn } from 'typeorm';

/**
 * A key check value of a shared secret (config/key-check.ts): HMAC-SHA256 of a fixed label under the key,
 * never the key. Per secret, the latest row is the current key; earlier rows are keys it replaced.
 */
@Entity({ name: 'key_check' })
export class KeyCheckEntity {
  /** The secret's environment variable: JWT_SECRET, FIELD_ENCRYPTION_KEY, HMAC_KEY, AUDIT_SIGNING_KEY. */
  @PrimaryColumn({ type: 'text' })
  secret!: string;

  @PrimaryColumn({ type: 'text' })
  keyId!: string;

  @Column({ type: 'text' })
  checkValue!: string;

  @Column({ type: 'timestamptz', precision: 6, default: () => 'clock_timestamp()' })
  recordedAt!: Date;
}

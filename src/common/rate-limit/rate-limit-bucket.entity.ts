import { Column, Entity, Index, PrimaryColumn } from 'typeorm';

/** A fixed-window counter shared by every replica (login attempts per IP and per username). UNLOGGED (see the UnloggedRateLimits migration). */
@Entity({ name: 'rate_limit_bucket' })
@Index('idx_rate_limit_bucket_expires_at', ['expiresAt'])
export class RateLimitBucketEntity {
  @PrimaryColumn({ type: 'text' })
  bucket!: string;

  @PrimaryColumn({ type: 'timestamptz' })
  windowStart!: Date;

  @Column({ type: 'int' })
  hits!: number;

  @Column({ type: 'timestamptz' })
  expiresAt!: Date;
}

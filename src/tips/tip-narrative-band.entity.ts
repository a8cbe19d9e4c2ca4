import { Entity, Index, PrimaryColumn } from 'typeorm';

/**
 * The MinHash bands of a tip's narrative (`tip-fingerprint.ts`), one row per band: narratives that share a band
 * are likely near duplicates, which a trigram similarity then confirms. Read newest first per band, so a flood of
 * near-identical tips costs a bounded number of index rows. Kept 30 days (the duplicate window).
 */
@Entity({ name: 'tip_narrative_band' })
// The purge's BRIN index on received_at: made by the TipMatchingQueue migration.
@Index('idx_tip_narrative_band_time', { synchronize: false })
export class TipNarrativeBandEntity {
  @PrimaryColumn({ type: 'bigint', primaryKeyConstraintName: 'PK_tip_narrative_band' })
  bandHash!: string;

  @PrimaryColumn({ type: 'timestamptz', primaryKeyConstraintName: 'PK_tip_narrative_band' })
  receivedAt!: Date;

  @PrimaryColumn({ type: 'uuid', primaryKeyConstraintName: 'PK_tip_narrative_band' })
  tipId!: string;
}

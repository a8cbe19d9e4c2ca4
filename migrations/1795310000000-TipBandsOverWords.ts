import { MigrationInterface, QueryRunner } from 'typeorm';
import { narrativeBands } from '../src/tips/tip-fingerprint';

/** Tips a round of the recomputation reads: about 240,000 bands, inserted in key order (each index page is written once a round, not once a row). */
const BATCH = 20_000;

/**
 * A narrative's MinHash bands are now computed over its set of words, no longer over its trigrams (see
 * tip-fingerprint.ts and the README): trigram bands of unrelated prose collided so often that, read 4 rows a band,
 * an older near duplicate fell out of reach as tips arrived. The bands of the matched tips of the last 30 days (the
 * window the duplicate check looks back over) are computed anew and stored beside the old ones, so a tip received
 * after this migration still finds one received before it.
 *
 * Band values carry their kind (BAND_KIND in tip-fingerprint.ts), so the old trigram bands never meet the new ones:
 * they stay until they expire with their 30 days, and nothing is locked but the rows written. A replica of the previous
 * release still running meanwhile keeps finding the tips it and its peers stored; a tip it matches gets trigram bands
 * only, so later tips do not find it as a near duplicate (the same tipster still is). Read through one cursor (a
 * sequential scan: no index of `tip` leads with `received_at`), 20,000 tips at a time, their bands inserted in key
 * order: 33 s for the 196,000 tips of a benchmark database beside its 2.35 million old bands (145 s 2,000 at a time
 * unsorted), during which the service is not yet ready: the statement and idle timeouts are lifted for this
 * migration's transaction.
 *
 * Down does nothing: the previous release reads only its own trigram bands, which are still there.
 */
export class TipBandsOverWords1795310000000 implements MigrationInterface {
  name = 'TipBandsOverWords1795310000000';

  /** `batch`: tips a round reads (a test makes it small, to cross rounds). */
  constructor(private readonly batch = BATCH) {}

  public async up(queryRunner: QueryRunner): Promise<void> {
    const own = !queryRunner.isTransactionActive;
    if (own) await queryRunner.startTransaction();
    try {
      await queryRunner.query(`SET LOCAL statement_timeout = 0`);
      await queryRunner.query(`SET LOCAL idle_in_transaction_session_timeout = 0`);
      await queryRunner.query(
        `DECLARE tip_bands_over_words NO SCROLL CURSOR FOR
           SELECT id, left(narrative, 500) AS start FROM tip WHERE status <> 'matching' AND received_at > now() - interval '30 days'`,
      );
      for (;;) {
        const tips: { id: string; start: string }[] = await queryRunner.query(`FETCH ${this.batch} FROM tip_bands_over_words`);
        if (tips.length === 0) break;
        const ids: string[] = [];
        const bands: string[] = [];
        for (const tip of tips) {
          for (const band of narrativeBands(tip.start)) {
            ids.push(tip.id);
            bands.push(String(band));
          }
        }
        await queryRunner.query(
          `INSERT INTO tip_narrative_band (band_hash, received_at, tip_id)
           SELECT DISTINCT b.band, t.received_at, t.id FROM unnest($1::uuid[], $2::bigint[]) AS b(tip_id, band) JOIN tip t ON t.id = b.tip_id
            ORDER BY 1, 2, 3
           ON CONFLICT DO NOTHING`,
          [ids, bands],
        );
      }
      await queryRunner.query(`CLOSE tip_bands_over_words`);
      if (own) await queryRunner.commitTransaction();
    } catch (error) {
      if (own) await queryRunner.rollbackTransaction();
      throw error;
    }
  }

  public async down(): Promise<void> {
    // Nothing to undo: see above.
  }
}

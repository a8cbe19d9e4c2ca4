import { MigrationInterface, QueryRunner } from 'typeorm';
import { narrativeBands } from '../src/tips/tip-fingerprint';

/** Tips a round of the recomputation reads. */
const BATCH = 2000;

/**
 * A narrative's MinHash bands are now computed over its set of words, no longer over its trigrams (see
 * tip-fingerprint.ts and the README): trigram bands of unrelated prose collided so often that, read 4 rows a band,
 * an older near duplicate fell out of reach as tips arrived. The stored bands of the matched tips of the last 30
 * days (the window the duplicate check looks back over) are computed anew, so a tip received after this migration
 * still finds one received before it. In batches of 2,000 tips: about 30 s for the 191,000 tips (2.3 million bands)
 * of a benchmark database, during which the service is not yet ready.
 *
 * Down: the previous release's trigram bands are not computed again (that code is gone); the band table is emptied,
 * so after a revert the tips received before it are not found as near duplicates (the same tipster still is).
 */
export class TipBandsOverWords1795310000000 implements MigrationInterface {
  name = 'TipBandsOverWords1795310000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`TRUNCATE tip_narrative_band`);
    let after = '00000000-0000-0000-0000-000000000000';
    for (;;) {
      const tips: { id: string; start: string }[] = await queryRunner.query(
        `SELECT id, left(narrative, 500) AS start FROM tip
          WHERE status <> 'matching' AND received_at > now() - interval '30 days' AND id > $1 ORDER BY id LIMIT $2`,
        [after, BATCH],
      );
      if (tips.length === 0) return;
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
         ON CONFLICT DO NOTHING`,
        [ids, bands],
      );
      after = tips[tips.length - 1].id;
    }
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`TRUNCATE tip_narrative_band`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The narrative's trigram index (near duplicates, search) holds matched tips only. A tip's matching moves it from
 * `matching` to `received`, a change of an indexed column, so PostgreSQL writes the row anew into every index of
 * `tip`: with the index over every tip, each tip paid its GiST insert twice, about 0.3 ms of database time each
 * (the largest single cost of intake). What this gives up: a tip is found by words of its narrative once it is
 * matched (seconds after intake), as it is found as a duplicate only then (its bands are stored at matching too);
 * by reference at once, as before.
 */
export class TipNarrativeIndexAfterMatching1795300000000 implements MigrationInterface {
  name = 'TipNarrativeIndexAfterMatching1795300000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_tip_narrative_trgm"`);
    await queryRunner.query(
      `CREATE INDEX "idx_tip_narrative_trgm" ON "tip" USING gist (lower(left(narrative, 500)) gist_trgm_ops(siglen = 256)) WHERE status <> 'matching'`,
    );
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_tip_narrative_trgm"`);
    await queryRunner.query(`CREATE INDEX "idx_tip_narrative_trgm" ON "tip" USING gist (lower(left(narrative, 500)) gist_trgm_ops(siglen = 256))`);
  }
}

import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Matching leaves the intake request (see the README, "Matching, off the request"):
 * - the status `matching`, which a tip holds from intake until the worker has matched it (then `received`);
 * - `tip_match_queue`, one row per tip waiting (the narrative's name phrases with it), taken by the workers of
 *   every replica with `FOR UPDATE SKIP LOCKED`, retried later (`available_at`) when a batch fails;
 * - `tip_narrative_band`, the MinHash bands of each narrative (locality-sensitive hashing), indexed by band and
 *   time, so the near duplicates of a narrative are found by a bounded number of index probes however many
 *   near-identical tips a flood brings (the GiST KNN walk alone visits every one of them).
 */
export class TipMatchingQueue1795290000000 implements MigrationInterface {
  name = 'TipMatchingQueue1795290000000';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "ck_tip_status"`);
    await queryRunner.query(
      `ALTER TABLE "tip" ADD CONSTRAINT "ck_tip_status" CHECK (status IN ('matching', 'received', 'triaged', 'assigned', 'actionable', 'not_actionable', 'closed', 'duplicate'))`,
    );
    await queryRunner.query(
      `CREATE TABLE "tip_match_queue" ("tip_id" uuid NOT NULL, "phrases" jsonb NOT NULL DEFAULT '[]', "enqueued_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "available_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "attempts" integer NOT NULL DEFAULT '0', CONSTRAINT "PK_tip_match_queue" PRIMARY KEY ("tip_id"))`,
    );
    await queryRunner.query(`CREATE INDEX "idx_tip_match_queue_next" ON "tip_match_queue" ("available_at", "enqueued_at") `);
    await queryRunner.query(
      `ALTER TABLE "tip_match_queue" ADD CONSTRAINT "fk_tip_match_queue_tip" FOREIGN KEY ("tip_id") REFERENCES "tip"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`,
    );
    await queryRunner.query(
      `CREATE TABLE "tip_narrative_band" ("band_hash" bigint NOT NULL, "received_at" TIMESTAMP WITH TIME ZONE NOT NULL, "tip_id" uuid NOT NULL, CONSTRAINT "PK_tip_narrative_band" PRIMARY KEY ("band_hash", "received_at", "tip_id"))`,
    );
    // For the hourly purge only: a BRIN (rows arrive in time order), which the band probes never mistake for theirs.
    await queryRunner.query(`CREATE INDEX "idx_tip_narrative_band_time" ON "tip_narrative_band" USING brin ("received_at")`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_tip_narrative_band_time"`);
    await queryRunner.query(`DROP TABLE "tip_narrative_band"`);
    await queryRunner.query(`ALTER TABLE "tip_match_queue" DROP CONSTRAINT "fk_tip_match_queue_tip"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_match_queue_next"`);
    await queryRunner.query(`DROP TABLE "tip_match_queue"`);
    await queryRunner.query(`UPDATE "tip" SET status = 'received' WHERE status = 'matching'`);
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "ck_tip_status"`);
    await queryRunner.query(
      `ALTER TABLE "tip" ADD CONSTRAINT "ck_tip_status" CHECK (status IN ('received', 'triaged', 'assigned', 'actionable', 'not_actionable', 'closed', 'duplicate'))`,
    );
  }
}

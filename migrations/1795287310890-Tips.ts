import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Tips and their match candidates. Besides what the entities declare:
 * - the triage queue's keyset indexes, `(priority DESC, received_at, id)` and the same per status, so the
 *   first page of the queue is an index walk whatever the table's size;
 * - a GiST trigram index on the first 500 characters of the narrative (lower case): the nearest earlier
 *   narrative is found by a KNN walk (`<->`, one or a few index pages, however many near-identical tips a flood
 *   brings), and the tip search's substring match uses it too.
 */
export class Tips1795287310890 implements MigrationInterface {
  name = 'Tips1795287310890';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "tip" ("id" uuid NOT NULL, "reference" text NOT NULL, "integration_id" uuid NOT NULL, "external_id" text, "channel" text NOT NULL, "narrative" text NOT NULL, "language" text, "occurred_at" TIMESTAMP WITH TIME ZONE, "reward_interest" boolean NOT NULL DEFAULT false, "anonymous" boolean NOT NULL, "tipster_identity" text, "tipster_key_id" text, "tipster_email_hmac" text, "tipster_phone_hmac" text, "tipster_pseudonym" text, "status" text NOT NULL DEFAULT 'received', "priority" smallint NOT NULL DEFAULT '2', "assignee_id" uuid, "case_id" uuid, "source_reliability" text, "information_credibility" smallint, "duplicate_of" uuid, "possible_duplicate_of" uuid, "possible_duplicate_score" real, "possible_duplicate_reason" text, "extracted" jsonb NOT NULL DEFAULT '[]', "candidate_count" integer NOT NULL DEFAULT '0', "received_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_tip_identity" CHECK ((tipster_identity IS NULL) = (tipster_key_id IS NULL)), CONSTRAINT "ck_tip_duplicate" CHECK ((status = 'duplicate') = (duplicate_of IS NOT NULL)), CONSTRAINT "ck_tip_credibility" CHECK (information_credibility IS NULL OR information_credibility BETWEEN 1 AND 6), CONSTRAINT "ck_tip_reliability" CHECK (source_reliability IS NULL OR source_reliability IN ('A', 'B', 'C', 'D', 'E', 'F')), CONSTRAINT "ck_tip_priority" CHECK (priority BETWEEN 1 AND 4), CONSTRAINT "ck_tip_channel" CHECK (channel IN ('web_form', 'hotline', 'email', 'partner', 'employer', 'other')), CONSTRAINT "ck_tip_status" CHECK (status IN ('received', 'triaged', 'assigned', 'actionable', 'not_actionable', 'closed', 'duplicate')), CONSTRAINT "PK_855d736988802b4ec0e07b7e762" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_tip_key_id" ON "tip"  ("tipster_key_id", "id") WHERE tipster_key_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_tip_tipster_phone" ON "tip"  ("tipster_phone_hmac", "received_at") WHERE tipster_phone_hmac IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_tip_tipster_email" ON "tip"  ("tipster_email_hmac", "received_at") WHERE tipster_email_hmac IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_tip_assignee" ON "tip"  ("assignee_id") WHERE assignee_id IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_tip_case" ON "tip"  ("case_id") WHERE case_id IS NOT NULL`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tip_external" ON "tip"  ("integration_id", "external_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_tip_reference" ON "tip"  ("reference") `);
    await queryRunner.query(`CREATE TABLE "tip_candidate" ("tip_id" uuid NOT NULL, "entity_type" text NOT NULL, "entity_id" uuid NOT NULL, "score" real NOT NULL, "reasons" jsonb NOT NULL DEFAULT '[]', "status" text NOT NULL DEFAULT 'pending', "decided_by" uuid, "decided_at" TIMESTAMP WITH TIME ZONE, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_tip_candidate_status" CHECK (status IN ('pending', 'confirmed', 'rejected')), CONSTRAINT "ck_tip_candidate_type" CHECK (entity_type IN ('subject', 'organization', 'selector')), CONSTRAINT "PK_a63329f84c81ea7cba5602d2fd4" PRIMARY KEY ("tip_id", "entity_type", "entity_id"))`);
    await queryRunner.query(`CREATE INDEX "idx_tip_candidate_entity" ON "tip_candidate"  ("entity_id") `);
    await queryRunner.query(`ALTER TABLE "tip" ADD CONSTRAINT "fk_tip_integration" FOREIGN KEY ("integration_id") REFERENCES "integration"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "tip" ADD CONSTRAINT "fk_tip_assignee" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "tip" ADD CONSTRAINT "fk_tip_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "tip" ADD CONSTRAINT "fk_tip_duplicate_of" FOREIGN KEY ("duplicate_of") REFERENCES "tip"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "tip" ADD CONSTRAINT "fk_tip_possible_duplicate_of" FOREIGN KEY ("possible_duplicate_of") REFERENCES "tip"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "tip_candidate" ADD CONSTRAINT "fk_tip_candidate_tip" FOREIGN KEY ("tip_id") REFERENCES "tip"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX "idx_tip_queue" ON "tip" (priority DESC, received_at, id)`);
    await queryRunner.query(`CREATE INDEX "idx_tip_status_queue" ON "tip" (status, priority DESC, received_at, id)`);
    await queryRunner.query(`CREATE INDEX "idx_tip_narrative_trgm" ON "tip" USING gist (lower(left(narrative, 500)) gist_trgm_ops(siglen = 256))`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_tip_narrative_trgm"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_status_queue"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_queue"`);
    await queryRunner.query(`ALTER TABLE "tip_candidate" DROP CONSTRAINT "fk_tip_candidate_tip"`);
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "fk_tip_possible_duplicate_of"`);
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "fk_tip_duplicate_of"`);
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "fk_tip_case"`);
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "fk_tip_assignee"`);
    await queryRunner.query(`ALTER TABLE "tip" DROP CONSTRAINT "fk_tip_integration"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_candidate_entity"`);
    await queryRunner.query(`DROP TABLE "tip_candidate"`);
    await queryRunner.query(`DROP INDEX "public"."uq_tip_reference"`);
    await queryRunner.query(`DROP INDEX "public"."uq_tip_external"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_case"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_assignee"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_tipster_email"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_tipster_phone"`);
    await queryRunner.query(`DROP INDEX "public"."idx_tip_key_id"`);
    await queryRunner.query(`DROP TABLE "tip"`);
  }
}

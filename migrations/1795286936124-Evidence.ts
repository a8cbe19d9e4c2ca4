import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Evidence and its chain of custody: items under a case with their per-case number counter, and the custody
 * events, append-only in the database like the audit trail (row triggers refuse UPDATE and DELETE, a statement
 * trigger refuses TRUNCATE; audit_refuse_change() comes from the AuditAppendOnly migration).
 */
export class Evidence1795286936124 implements MigrationInterface {
  name = 'Evidence1795286936124';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "evidence_item" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "evidence_number" text NOT NULL, "number_seq" integer NOT NULL, "kind" text NOT NULL, "description" text NOT NULL, "collected_at" TIMESTAMP WITH TIME ZONE NOT NULL, "collected_by" text NOT NULL, "collected_from" text NOT NULL DEFAULT '', "custodian_id" uuid NOT NULL, "custody_state" text NOT NULL DEFAULT 'in_custody', "seal_number" text, "storage_key" text, "file_size" bigint, "file_name" text, "declared_content_type" text, "detected_content_type" text, "integrity" text, "last_verified_at" TIMESTAMP WITH TIME ZONE, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_evidence_item_integrity" CHECK (integrity IN ('ok', 'failed')), CONSTRAINT "ck_evidence_item_state" CHECK (custody_state IN ('in_custody', 'checked_out', 'sealed', 'released', 'destroyed')), CONSTRAINT "ck_evidence_item_kind" CHECK (kind IN ('document', 'digital_file', 'device', 'financial_record', 'communication', 'source_code', 'other')), CONSTRAINT "PK_713a8fb860346eb2a9cb6dd5842" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_evidence_item_verify" ON "evidence_item"  ("last_verified_at") WHERE storage_key IS NOT NULL`);
    await queryRunner.query(`CREATE INDEX "idx_evidence_item_custodian" ON "evidence_item"  ("custodian_id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_evidence_item_evidence_number" ON "evidence_item"  ("evidence_number") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_evidence_item_number" ON "evidence_item"  ("case_id", "number_seq") `);
    await queryRunner.query(`CREATE TABLE "evidence_custody_event" ("id" uuid NOT NULL, "evidence_id" uuid NOT NULL, "seq" integer NOT NULL, "event" text NOT NULL, "actor_id" uuid, "occurred_at" TIMESTAMP WITH TIME ZONE NOT NULL, "recorded_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "location" text NOT NULL, "purpose" text NOT NULL, "from_custodian_id" uuid, "to_custodian_id" uuid, "seal_number" text, "result" jsonb, CONSTRAINT "ck_evidence_custody_event_type" CHECK (event IN ('collected', 'transferred', 'checked_out', 'checked_in', 'sealed', 'unsealed', 'released', 'destroyed', 'verified')), CONSTRAINT "PK_2888ee233958385ca822f15aef6" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_evidence_custody_event_seq" ON "evidence_custody_event"  ("evidence_id", "seq") `);
    await queryRunner.query(`CREATE TABLE "evidence_number_counter" ("case_id" uuid NOT NULL, "last_seq" integer NOT NULL, CONSTRAINT "PK_c02a4054ad86c7947d93df5e15c" PRIMARY KEY ("case_id"))`);
    await queryRunner.query(`ALTER TABLE "evidence_item" ADD CONSTRAINT "fk_evidence_item_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evidence_item" ADD CONSTRAINT "fk_evidence_item_custodian" FOREIGN KEY ("custodian_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evidence_item" ADD CONSTRAINT "fk_evidence_item_creator" FOREIGN KEY ("created_by") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evidence_custody_event" ADD CONSTRAINT "fk_evidence_custody_event_item" FOREIGN KEY ("evidence_id") REFERENCES "evidence_item"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evidence_custody_event" ADD CONSTRAINT "fk_evidence_custody_event_actor" FOREIGN KEY ("actor_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "evidence_number_counter" ADD CONSTRAINT "fk_evidence_number_counter_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE TRIGGER evidence_custody_event_no_update_delete BEFORE UPDATE OR DELETE ON evidence_custody_event FOR EACH ROW EXECUTE FUNCTION audit_refuse_change()`);
    await queryRunner.query(`CREATE TRIGGER evidence_custody_event_no_truncate BEFORE TRUNCATE ON evidence_custody_event FOR EACH STATEMENT EXECUTE FUNCTION audit_refuse_change()`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER evidence_custody_event_no_truncate ON evidence_custody_event`);
    await queryRunner.query(`DROP TRIGGER evidence_custody_event_no_update_delete ON evidence_custody_event`);
    await queryRunner.query(`ALTER TABLE "evidence_number_counter" DROP CONSTRAINT "fk_evidence_number_counter_case"`);
    await queryRunner.query(`ALTER TABLE "evidence_custody_event" DROP CONSTRAINT "fk_evidence_custody_event_actor"`);
    await queryRunner.query(`ALTER TABLE "evidence_custody_event" DROP CONSTRAINT "fk_evidence_custody_event_item"`);
    await queryRunner.query(`ALTER TABLE "evidence_item" DROP CONSTRAINT "fk_evidence_item_creator"`);
    await queryRunner.query(`ALTER TABLE "evidence_item" DROP CONSTRAINT "fk_evidence_item_custodian"`);
    await queryRunner.query(`ALTER TABLE "evidence_item" DROP CONSTRAINT "fk_evidence_item_case"`);
    await queryRunner.query(`DROP TABLE "evidence_number_counter"`);
    await queryRunner.query(`DROP INDEX "public"."uq_evidence_custody_event_seq"`);
    await queryRunner.query(`DROP TABLE "evidence_custody_event"`);
    await queryRunner.query(`DROP INDEX "public"."uq_evidence_item_number"`);
    await queryRunner.query(`DROP INDEX "public"."uq_evidence_item_evidence_number"`);
    await queryRunner.query(`DROP INDEX "public"."idx_evidence_item_custodian"`);
    await queryRunner.query(`DROP INDEX "public"."idx_evidence_item_verify"`);
    await queryRunner.query(`DROP TABLE "evidence_item"`);
  }
}

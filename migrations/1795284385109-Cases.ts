import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cases: the case file with its per-year number counter, notes and tasks; case_member gets its version,
 * the one-lead-per-case index and its foreign keys (to the case and to the user). Two indexes TypeORM
 * cannot declare: the words of a title (full text, 'simple' dictionary) and open tasks by assignee and due
 * date (nulls last).
 */
export class Cases1795284385109 implements MigrationInterface {
  name = 'Cases1795284385109';

  public async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE TABLE "case_file" ("id" uuid NOT NULL, "case_number" text NOT NULL, "number_year" smallint NOT NULL, "number_seq" integer NOT NULL, "title" text NOT NULL, "summary" text NOT NULL DEFAULT '', "status" text NOT NULL DEFAULT 'open', "sensitivity" text NOT NULL, "lead_investigator_id" uuid NOT NULL, "legal_hold" boolean NOT NULL DEFAULT false, "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "last_activity_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "closed_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_case_file_sensitivity" CHECK (sensitivity IN ('restricted', 'confidential', 'secret')), CONSTRAINT "ck_case_file_status" CHECK (status IN ('open', 'active', 'closed')), CONSTRAINT "PK_911fb1b39fb664d0e88843036b9" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_case_file_activity" ON "case_file"  ("last_activity_at", "id") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_case_file_case_number" ON "case_file"  ("case_number") `);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_case_file_number" ON "case_file"  ("number_year", "number_seq") `);
    await queryRunner.query(`CREATE TABLE "case_note" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "author_id" uuid NOT NULL, "body" text NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "edited_at" TIMESTAMP WITH TIME ZONE, "version" integer NOT NULL DEFAULT '1', CONSTRAINT "PK_7b0442af3f3d9273fb63d2799a2" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_case_note_case" ON "case_note"  ("case_id", "id") `);
    await queryRunner.query(`CREATE TABLE "case_number_counter" ("year" smallint NOT NULL, "last_seq" integer NOT NULL, CONSTRAINT "PK_05931467fd562911e696a43561b" PRIMARY KEY ("year"))`);
    await queryRunner.query(`CREATE TABLE "case_task" ("id" uuid NOT NULL, "case_id" uuid NOT NULL, "title" text NOT NULL, "description" text NOT NULL DEFAULT '', "assignee_id" uuid, "due_date" date, "status" text NOT NULL DEFAULT 'open', "created_by" uuid NOT NULL, "created_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "updated_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "ck_case_task_status" CHECK (status IN ('open', 'done', 'cancelled')), CONSTRAINT "PK_06ca77cf52ae5e6d862daf4ec23" PRIMARY KEY ("id"))`);
    await queryRunner.query(`CREATE INDEX "idx_case_task_case" ON "case_task"  ("case_id") `);
    await queryRunner.query(`ALTER TABLE "case_member" ADD "version" integer NOT NULL DEFAULT '1'`);
    await queryRunner.query(`CREATE UNIQUE INDEX "uq_case_member_lead" ON "case_member"  ("case_id") WHERE role = 'lead'`);
    await queryRunner.query(`ALTER TABLE "case_file" ADD CONSTRAINT "fk_case_file_lead" FOREIGN KEY ("lead_investigator_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "case_member" ADD CONSTRAINT "fk_case_member_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "case_member" ADD CONSTRAINT "fk_case_member_user" FOREIGN KEY ("user_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "case_note" ADD CONSTRAINT "fk_case_note_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "case_note" ADD CONSTRAINT "fk_case_note_author" FOREIGN KEY ("author_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "case_task" ADD CONSTRAINT "fk_case_task_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`ALTER TABLE "case_task" ADD CONSTRAINT "fk_case_task_assignee" FOREIGN KEY ("assignee_id") REFERENCES "app_user"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    await queryRunner.query(`CREATE INDEX "idx_case_file_title_words" ON "case_file" USING gin (to_tsvector('simple', title))`);
    await queryRunner.query(`CREATE INDEX "idx_case_task_assignee_open" ON "case_task" ("assignee_id", (coalesce(due_date, 'infinity'::date)), "id") WHERE status = 'open'`);
  }

  public async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP INDEX "public"."idx_case_task_assignee_open"`);
    await queryRunner.query(`DROP INDEX "public"."idx_case_file_title_words"`);
    await queryRunner.query(`ALTER TABLE "case_task" DROP CONSTRAINT "fk_case_task_assignee"`);
    await queryRunner.query(`ALTER TABLE "case_task" DROP CONSTRAINT "fk_case_task_case"`);
    await queryRunner.query(`ALTER TABLE "case_note" DROP CONSTRAINT "fk_case_note_author"`);
    await queryRunner.query(`ALTER TABLE "case_note" DROP CONSTRAINT "fk_case_note_case"`);
    await queryRunner.query(`ALTER TABLE "case_member" DROP CONSTRAINT "fk_case_member_user"`);
    await queryRunner.query(`ALTER TABLE "case_member" DROP CONSTRAINT "fk_case_member_case"`);
    await queryRunner.query(`ALTER TABLE "case_file" DROP CONSTRAINT "fk_case_file_lead"`);
    await queryRunner.query(`DROP INDEX "public"."uq_case_member_lead"`);
    await queryRunner.query(`ALTER TABLE "case_member" DROP COLUMN "version"`);
    await queryRunner.query(`DROP INDEX "public"."idx_case_task_case"`);
    await queryRunner.query(`DROP TABLE "case_task"`);
    await queryRunner.query(`DROP TABLE "case_number_counter"`);
    await queryRunner.query(`DROP INDEX "public"."idx_case_note_case"`);
    await queryRunner.query(`DROP TABLE "case_note"`);
    await queryRunner.query(`DROP INDEX "public"."uq_case_file_number"`);
    await queryRunner.query(`DROP INDEX "public"."uq_case_file_case_number"`);
    await queryRunner.query(`DROP INDEX "public"."idx_case_file_activity"`);
    await queryRunner.query(`DROP TABLE "case_file"`);
  }
}

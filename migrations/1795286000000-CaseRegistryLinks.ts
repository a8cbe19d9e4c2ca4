import { MigrationInterface, QueryRunner } from 'typeorm';

/** Registry subjects and organizations linked to a case. */
export class CaseRegistryLinks1795286000000 implements MigrationInterface {
  name = 'CaseRegistryLinks1795286000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    for (const [table, column, target] of [
      ['case_subject', 'subject_id', 'subject'],
      ['case_organization', 'organization_id', 'organization'],
    ]) {
      await queryRunner.query(
        `CREATE TABLE "${table}" ("case_id" uuid NOT NULL, "${column}" uuid NOT NULL, "reason" text, "added_by" uuid NOT NULL, "added_at" TIMESTAMP WITH TIME ZONE NOT NULL DEFAULT now(), "version" integer NOT NULL DEFAULT '1', CONSTRAINT "pk_${table}" PRIMARY KEY ("case_id", "${column}"))`,
      );
      await queryRunner.query(`CREATE INDEX "idx_${table}_${target}" ON "${table}" ("${column}", "case_id")`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD CONSTRAINT "fk_${table}_case" FOREIGN KEY ("case_id") REFERENCES "case_file"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
      await queryRunner.query(`ALTER TABLE "${table}" ADD CONSTRAINT "fk_${table}_${target}" FOREIGN KEY ("${column}") REFERENCES "${target}"("id") ON DELETE NO ACTION ON UPDATE NO ACTION`);
    }
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE "case_organization"`);
    await queryRunner.query(`DROP TABLE "case_subject"`);
  }
}
